import { type Operation, run, sleep, spawn } from "@skein/core";
import { type Db, sql, usePostgres } from "../src/mod.js";
import type { BenchOptions } from "./round-trips.js";

/** Milliseconds from halting a running `pg_sleep(10)` to its backend seen idle. */
export interface CancelLatency {
  samples: number;
  median: number;
  p99: number;
  max: number;
}

function* stateOf(admin: Db, app: string): Operation<string | null | undefined> {
  const [row] = yield* admin.query<{ state: string | null }>(
    sql`select state from pg_stat_activity where application_name = ${app}`,
  );
  return row?.state;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] ?? Number.NaN) * 100) / 100;
}

/**
 * Halt a query blocked in `pg_sleep(10)` `samples` times and measure how long until the
 * server reports its backend idle (the halt itself waits for the cancel to settle).
 *
 * @param options - connection settings
 * @param samples - how many halts to time; default 50
 * @returns median, p99 and max in milliseconds
 */
export async function benchCancelLatency(
  options: BenchOptions = {},
  samples = 50,
): Promise<CancelLatency> {
  const app = `skein_cancel_bench_${process.pid}`;
  const durations = await run(function* () {
    const admin = yield* usePostgres({ ...options.connection, max: 1 });
    const db = yield* usePostgres({ ...options.connection, max: 1, applicationName: app });
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const task = yield* spawn(() => db.query(sql`select pg_sleep(10)`));
      for (let tries = 0; (yield* stateOf(admin, app)) !== "active"; tries++) {
        if (tries > 1000) throw new Error("the query never started");
        yield* sleep(1);
      }
      const started = performance.now();
      yield* task.halt();
      while ((yield* stateOf(admin, app)) !== "idle") yield* sleep(0);
      times.push(performance.now() - started);
    }
    return times;
  });
  durations.sort((a, b) => a - b);
  return {
    samples,
    median: percentile(durations, 50),
    p99: percentile(durations, 99),
    max: percentile(durations, 100),
  };
}
