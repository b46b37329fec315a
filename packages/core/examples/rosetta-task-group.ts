// asyncio.TaskGroup: taskGroup() waits for every child it started. When one fails, the others
// are halted and the group throws a TaskGroupError listing every failure (an ExceptionGroup).
// supervisorGroup() reports a failing child and lets its siblings go on.
import { ensure, main, sleep, supervisorGroup, TaskGroupError, taskGroup } from "@skein/core";

function* download(name: string, ms: number) {
  yield* sleep(ms);
  return `${name} (${ms}ms)`;
}

await main(function* () {
  const names = yield* taskGroup(function* (group) {
    const a = yield* group.spawn(() => download("a.txt", 10));
    const b = yield* group.spawn(() => download("b.txt", 5));
    return [yield* a, yield* b];
  });
  console.log("downloaded:", names);

  try {
    yield* taskGroup(function* (group) {
      yield* group.spawn(function* () {
        yield* ensure(() => {
          throw new Error("could not close the upload"); // fails while being halted
        });
        yield* sleep(1_000);
      });
      yield* group.spawn(function* () {
        yield* sleep(5);
        throw new Error("disk full");
      });
    });
  } catch (error) {
    if (error instanceof TaskGroupError) {
      console.log(`${error.code}: ${error.errors.map((e) => (e as Error).message).join("; ")}`);
    }
  }

  yield* supervisorGroup(
    { onError: (error) => console.log(`worker failed: ${(error as Error).message}`) },
    function* (group) {
      yield* group.spawn(function* () {
        yield* sleep(1);
        throw new Error("bad input");
      });
      yield* group.spawn(function* () {
        yield* sleep(5);
        console.log("the other worker finished anyway");
      });
    },
  );
});
