// Streams: a producer sends on a channel; a consumer loops over it with each().
import { createChannel, each, main, sleep, spawn } from "@skein/core";

await main(function* () {
  const numbers = createChannel<number, void>();
  const consumer = yield* spawn(function* () {
    let sum = 0;
    for (const n of yield* each(numbers)) {
      sum += n;
      yield* each.next();
    }
    return sum;
  });
  yield* sleep(0); // let the consumer subscribe
  for (let i = 1; i <= 10; i++) yield* numbers.send(i);
  yield* numbers.close();
  console.log("sum:", yield* consumer);
});
