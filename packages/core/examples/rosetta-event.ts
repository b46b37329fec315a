// asyncio.Event: set() wakes every task waiting on the flag; wait() returns at once while it is
// set; reset() clears it. set() may be called from a plain callback as well.
import { createEvent, main, sleep, taskGroup } from "@skein/core";

await main(function* () {
  const ready = createEvent();
  yield* taskGroup(function* (group) {
    for (const name of ["worker 1", "worker 2"]) {
      yield* group.spawn(function* () {
        yield* ready.wait();
        console.log(`${name}: configuration loaded, starting`);
      });
    }
    yield* sleep(5); // load the configuration
    ready.set();
  });
  yield* ready.wait(); // already set: returns at once
  ready.reset();
  console.log(`after reset: isSet = ${ready.isSet}`);
});
