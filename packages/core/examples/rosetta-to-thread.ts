// asyncio.to_thread / run_in_executor: CPU-bound work runs in a worker thread, and halting the
// operation (here, a timeout) terminates that thread even in the middle of a synchronous loop.
import { main, moveOnAfter } from "@skein/core";
import { toThread, useWorkerPool } from "@skein/core/node";

function countPrimes(limit: number): number {
  let count = 0;
  for (let n = 2; n < limit; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

function spin(): number {
  let x = 0;
  for (;;) x = (x + 1) % 1_000_003; // never returns on its own
}

// A pool runs the exported functions of a module; a data: URL keeps this example in one file.
const module = `data:text/javascript,${encodeURIComponent(`export ${countPrimes.toString()}`)}`;

await main(function* () {
  console.log("primes below 100 000:", yield* toThread(countPrimes, 100_000));

  const started = Date.now();
  const result = yield* moveOnAfter(50, toThread(spin));
  console.log(`endless loop stopped: ${result.timedOut} after ~${Date.now() - started}ms`);

  const pool = yield* useWorkerPool<{ countPrimes: typeof countPrimes }>({ module, size: 2 });
  const counts = [];
  for (const limit of [1_000, 10_000]) counts.push(yield* pool.run("countPrimes", limit));
  console.log("pool results:", counts);
});
