// Concurrency with structure: two children run at once; the parent waits for both.
import { main, sleep, spawn } from "@skein/core";

function* greet(name: string, ms: number) {
  yield* sleep(ms);
  console.log(`hello, ${name}`);
  return name.length;
}

await main(function* () {
  const a = yield* spawn(() => greet("world", 20));
  const b = yield* spawn(() => greet("skein", 10));
  console.log("total length:", (yield* a) + (yield* b));
});
