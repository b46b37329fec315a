// A failure halts everything the failing scope started, runs all of its cleanup (asynchronous
// cleanup included), and only then reaches the nearest scoped() boundary as an exception.
import { main, scoped, sleep, spawn, suspend } from "@skein/core";

function* connection(name: string) {
  try {
    console.log(`${name}: open`);
    yield* suspend();
  } finally {
    yield* sleep(5); // an async goodbye still runs to completion
    console.log(`${name}: closed`);
  }
}

await main(function* () {
  try {
    yield* scoped(function* () {
      yield* spawn(() => connection("db"));
      yield* spawn(() => connection("cache"));
      yield* spawn(function* () {
        yield* sleep(10);
        throw new Error("service failed");
      });
      yield* suspend();
    });
  } catch (error) {
    console.log(`caught after cleanup: ${(error as Error).message}`);
  }
});
