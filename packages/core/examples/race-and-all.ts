// all() waits for every operation; race() takes the first and halts the rest.
import { all, main, race, sleep } from "@skein/core";

function* after<T>(ms: number, value: T) {
  try {
    yield* sleep(ms);
    return value;
  } finally {
    if (ms > 20) console.log(`  (${String(value)} was halted or finished)`);
  }
}

await main(function* () {
  const both = yield* all([after(10, "a"), after(5, "b")]);
  console.log("all:", both);
  const first = yield* race([after(50, "slow"), after(5, "fast")]);
  console.log("race:", first);
});
