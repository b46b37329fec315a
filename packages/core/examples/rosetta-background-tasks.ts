// asyncio.create_task with a set of strong references: a spawned task belongs to the scope that
// started it, so it needs no reference to stay alive, and it cannot outlive that scope.
import { main, scoped, sleep, spawn } from "@skein/core";

function* heartbeat(): Generator<any, void> {
  try {
    for (let beat = 1; ; beat++) {
      yield* sleep(10);
      console.log(`heartbeat ${beat}`);
    }
  } finally {
    console.log("heartbeat halted with its scope");
  }
}

await main(function* () {
  yield* scoped(function* () {
    yield* spawn(heartbeat); // fire and forget: no handle is kept
    const email = yield* spawn(function* () {
      yield* sleep(5);
      return "email sent";
    });
    yield* sleep(25);
    console.log(`request handled; ${yield* email}`);
  });
  console.log("scoped() returned: nothing it started is still running");
});
