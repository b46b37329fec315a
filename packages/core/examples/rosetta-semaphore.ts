// asyncio.Semaphore: withPermit() runs an operation holding a permit and returns it however the
// operation ends, halts included. For "process these items, N at a time", mapConcurrent() is
// shorter.
import { createSemaphore, main, mapConcurrent, sleep, taskGroup } from "@skein/core";

await main(function* () {
  const semaphore = createSemaphore(2);
  let running = 0;
  let most = 0;
  yield* taskGroup(function* (group) {
    for (let i = 0; i < 6; i++) {
      yield* group.spawn(() =>
        semaphore.withPermit(function* () {
          running++;
          most = Math.max(most, running);
          yield* sleep(5);
          running--;
        }),
      );
    }
  });
  console.log(`6 jobs, at most ${most} at once`);

  const lengths = yield* mapConcurrent(["a", "bb", "ccc"], { concurrency: 2 }, function* (word) {
    yield* sleep(1);
    return word.length;
  }).toArray();
  console.log("mapConcurrent:", lengths);
});
