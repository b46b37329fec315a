// asyncio.Lock: withLock() makes a read-modify-write that waits in the middle safe. Without the
// lock, both tasks would read the same balance and one deposit would be lost.
import { createLock, main, sleep, taskGroup } from "@skein/core";

await main(function* () {
  const lock = createLock();
  let balance = 100;

  function* deposit(amount: number) {
    yield* lock.withLock(function* () {
      const read = balance;
      yield* sleep(5); // e.g. a round trip to the database
      balance = read + amount;
    });
  }

  yield* taskGroup(function* (group) {
    yield* group.spawn(() => deposit(50));
    yield* group.spawn(() => deposit(25));
  });
  console.log(`balance: ${balance}, locked now: ${lock.locked}`);
});
