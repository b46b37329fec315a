import autocannon from "autocannon";
import { collectGarbage, median } from "./harness.js";

/** The figures of one HTTP measurement. */
export interface TimeAndCpu {
  /** Median wall time of a run, in milliseconds. */
  ms: number;
  /** Median CPU time (user + system) of the measured process during a run, in milliseconds. */
  cpuMs: number;
}

/** The calling process's CPU time so far, in milliseconds. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Call `once` `n` times in all, with `concurrency` calls in flight until fewer are left.
 *
 * @param n - how many calls
 * @param concurrency - how many at once
 * @param once - one request, resolved when its body has been read
 */
export async function inFlight(
  n: number,
  concurrency: number,
  once: () => Promise<unknown>,
): Promise<void> {
  let started = 0;
  const loop = async () => {
    while (started < n) {
      started++;
      await once();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, loop));
}

/**
 * Send `n` GETs to `url` with autocannon, run in this process, `concurrency` keep-alive
 * connections each with one request in flight (no pipelining). Resolves when every response
 * has been read; fails if any request failed or answered with a status other than 2xx.
 *
 * @param url - the server's URL
 * @param n - how many requests in all
 * @param concurrency - how many connections
 */
export function autocannonLoad(url: string, n: number, concurrency: number): Promise<void> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        amount: n,
        connections: Math.min(concurrency, n),
        // The result is handed over at the first sample tick after the last response.
        sampleInt: 5,
      },
      (error, result) => {
        if (error) reject(error);
        else if (result.errors + result.timeouts + result.non2xx > 0) {
          reject(
            new Error(
              `autocannon: ${result.errors} errors, ${result.timeouts} timeouts and ${result.non2xx} non-2xx responses from ${url}`,
            ),
          );
        } else if (result.requests.total < n) {
          reject(new Error(`autocannon: ${result.requests.total} of ${n} requests answered`));
        } else resolve();
      },
    );
  });
}

/**
 * Time `body` like `time()` (one warmup call, then the median of `runs` calls) and read the CPU
 * time the measured process spent on each run.
 *
 * @param body - the work to time
 * @param runs - how many timed calls to take the medians of
 * @param cpuMs - the measured process's CPU time so far: this one, or a server's child process
 * @returns the median wall time and the median CPU time of a run
 */
export async function timeWithCpu(
  body: () => Promise<unknown>,
  runs: number,
  cpuMs: () => number | Promise<number> = ownCpuMs,
): Promise<TimeAndCpu> {
  await body();
  const durations: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    collectGarbage();
    const cpuBefore = await cpuMs();
    const start = performance.now();
    await body();
    durations.push(performance.now() - start);
    cpu.push((await cpuMs()) - cpuBefore);
  }
  return { ms: median(durations), cpuMs: median(cpu) };
}
