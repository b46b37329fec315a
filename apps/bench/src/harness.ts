import { count } from "./format.js";

/** What a row compares, one table column each, in table order. */
export type Engine = "floor" | "promise" | "effection" | "skein";

/** One engine's figure for a row, already scaled to the row's N. */
export interface Figure {
  /** Milliseconds for timed rows, bytes per task for heap rows. */
  value: number;
  /** Set when the figure needs a footnote, e.g. it was measured at a smaller N and scaled. */
  note?: string;
}

/** What a row measured: a figure per engine that applies. */
export interface RowResult {
  label: string;
  /**
   * "max ms" is a longest duration (like event-loop lag): shown in ms with no per-item cost;
   * "latency ms" the duration of one operation at a percentile (like a cancel's median), also
   * shown in ms without one; "MB" a memory figure (like peak RSS), also without one.
   */
  unit: "ms" | "bytes/task" | "max ms" | "latency ms" | "MB";
  n: number;
  /** What one of the N is called, for the per-item figure of timed rows ("task", "step"). */
  item: string;
  figures: Partial<Record<Engine, Figure>>;
}

/** How large a row runs, and how many timed runs it takes the median of. */
export interface RowOptions {
  n: number;
  /** N for effection in rows where it is too slow to run at `n`; its figure is scaled. */
  effectionN: number;
  runs: number;
}

/** A benchmark row: the extension point for new rows is the `rows` array in `rows/mod.ts`. */
export interface Row {
  id: string;
  defaults: RowOptions;
  /** One table line, or several when one measurement yields several figures (time and lag). */
  measure(options: RowOptions): Promise<RowResult | RowResult[]>;
}

const collect = (globalThis as { gc?: () => void }).gc;

/** Collect garbage when the process has `--expose-gc`, so no sample pays for another's garbage. */
export function collectGarbage(): void {
  collect?.();
}

/**
 * Time `body`: one warmup call, then the median wall time of `runs` calls, in milliseconds.
 *
 * @param body - the work to time; awaited when it returns a promise
 * @param runs - how many timed calls to take the median of
 * @returns the median duration in milliseconds
 */
export async function time(body: () => unknown, runs: number): Promise<number> {
  await body();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    collectGarbage();
    const start = performance.now();
    await body();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

/**
 * Time `body` at a smaller N and scale the result linearly to the row's N.
 *
 * @param body - runs the work at size `measuredAt`
 * @param n - the row's N
 * @param measuredAt - the N it is run at
 * @param runs - how many timed calls to take the median of
 * @returns the scaled figure
 */
export async function timeScaled(
  body: (n: number) => unknown,
  n: number,
  measuredAt: number,
  runs: number,
): Promise<Figure> {
  const ms = await time(() => body(measuredAt), runs);
  if (measuredAt >= n) return { value: ms };
  return {
    value: (ms * n) / measuredAt,
    note: `run at N=${count(measuredAt)} and scaled linearly to N=${count(n)}`,
  };
}

/**
 * Time `body` at the row's full N after one warmup call at a smaller N: for an engine too slow
 * to warm up at full size, whose cost per item grows with N (so scaling would flatter it).
 *
 * @param body - runs the work at the size given
 * @param n - the row's N, timed
 * @param warmupAt - the N of the untimed warmup call
 * @param runs - how many timed calls at N to take the median of
 * @returns the figure, noted as measured at full N
 */
export async function timeAtFullN(
  body: (n: number) => unknown,
  n: number,
  warmupAt: number,
  runs: number,
): Promise<Figure> {
  await body(Math.min(warmupAt, n));
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    collectGarbage();
    const start = performance.now();
    await body(n);
    samples.push(performance.now() - start);
  }
  return {
    value: median(samples),
    note: `measured at N=${count(n)} (${runs === 1 ? "one run" : `median of ${runs}`}, after a warmup at N=${count(Math.min(warmupAt, n))})`,
  };
}

/**
 * The middle of the samples, or the mean of the two middle ones.
 *
 * @param samples - at least one number
 * @returns their median
 */
export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length % 2 === 1) return sorted[mid]!;
  return (sorted[mid - 1]! + sorted[mid]!) / 2;
}
