// Handling cancellation. asyncio delivers it as CancelledError, which `except` can catch (and
// wrongly swallow). A Skein halt is not an exception: it runs `finally` blocks, which may wait,
// and never `catch` blocks, so the task cannot refuse it. Whoever joins a halted task gets a
// HaltError. A halt that arrives while a finally entered normally is waiting stops that finally
// at its current step (as in asyncio and Trio): shield() what must finish.
import { HaltError, main, run, shield, sleep, spawn, suspend } from "@skein/core";

function* worker(): Generator<any, void> {
  try {
    yield* suspend();
  } catch (error) {
    console.log("never printed: catch does not see a halt", error);
  } finally {
    yield* sleep(5); // asynchronous cleanup runs to the end
    console.log("worker: cleanup done");
  }
}

function* flush(label: string) {
  yield* sleep(20);
  console.log(`${label}: buffer flushed`);
}

await main(function* () {
  const task = yield* spawn(worker);
  yield* sleep(1);
  yield* task.halt();
  try {
    yield* task;
  } catch (error) {
    console.log(
      `joining the halted task throws ${(error as Error).name}: ${error instanceof HaltError}`,
    );
  }

  // The body ends normally and its finally starts flushing; then the halt arrives.
  for (const shielded of [false, true]) {
    const label = shielded ? "shielded" : "unshielded";
    const job = run(function* () {
      try {
        yield* sleep(1);
      } finally {
        yield* shielded ? shield(flush(label)) : flush(label);
      }
    });
    yield* sleep(5);
    yield* job.halt();
    console.log(`${label}: halt returned`);
  }
});
