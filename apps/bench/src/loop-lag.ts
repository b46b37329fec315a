import { monitorEventLoopDelay } from "node:perf_hooks";
import { collectGarbage, median } from "./harness.js";

/** The median wall time of a body and the median of the longest event-loop delay in each run. */
export interface TimeAndLag {
  ms: number;
  lagMs: number;
}

const RESOLUTION_MS = 1;

/**
 * Time `body` like `time()` (one warmup call, then the median of `runs` calls) while sampling
 * the event-loop delay every millisecond, and report each run's longest delay too.
 *
 * @param body - the work to time; awaited when it returns a promise
 * @param runs - how many timed calls to take the medians of
 * @returns the median duration and the median of the per-run maximum delays, in milliseconds
 */
export async function timeWithLag(body: () => unknown, runs: number): Promise<TimeAndLag> {
  await body();
  const durations: number[] = [];
  const lags: number[] = [];
  for (let i = 0; i < runs; i++) {
    collectGarbage();
    const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    histogram.enable();
    // The sampling timer's first tick records nothing, only starts the clock it measures from.
    await new Promise((resolve) => setTimeout(resolve, 10 * RESOLUTION_MS));
    const start = performance.now();
    await body();
    durations.push(performance.now() - start);
    // The sampling timer records a block only when it next fires, after the body returned.
    await new Promise((resolve) => setTimeout(resolve, 10 * RESOLUTION_MS));
    histogram.disable();
    lags.push(histogram.max / 1e6);
  }
  return { ms: median(durations), lagMs: median(lags) };
}
