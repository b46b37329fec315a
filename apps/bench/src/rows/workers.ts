import * as skein from "@skein/core";
import * as effection from "effection";
import { count } from "../format.js";
import { type Row, type RowOptions, type RowResult, time, timeScaled } from "../harness.js";

const WORKERS = 64;

// The generator engines fill the queue first and close it once per worker: each close wakes
// exactly one consumer with `done`, so every worker returns and the join needs no halt.

function skeinWorkers(n: number): Promise<number> {
  return skein.run(function* () {
    const queue = skein.createQueue<number, void>();
    const workers: skein.Task<number>[] = [];
    for (let w = 0; w < WORKERS; w++) {
      workers.push(
        yield* skein.spawn(function* () {
          let sum = 0;
          for (;;) {
            const next = yield* queue.next();
            if (next.done) return sum;
            sum += next.value;
          }
        }),
      );
    }
    for (let i = 0; i < n; i++) queue.add(i);
    for (let w = 0; w < WORKERS; w++) queue.close();
    let total = 0;
    for (const worker of workers) total += yield* worker;
    return total;
  });
}

function effectionWorkers(n: number): Promise<number> {
  return effection.run(function* () {
    const queue = effection.createQueue<number, void>();
    const workers: effection.Task<number>[] = [];
    for (let w = 0; w < WORKERS; w++) {
      workers.push(
        yield* effection.spawn(function* () {
          let sum = 0;
          for (;;) {
            const next = yield* queue.next();
            if (next.done) return sum;
            sum += next.value;
          }
        }),
      );
    }
    for (let i = 0; i < n; i++) queue.add(i);
    for (let w = 0; w < WORKERS; w++) queue.close();
    let total = 0;
    for (const worker of workers) total += yield* worker;
    return total;
  });
}

async function promiseWorkers(n: number): Promise<number> {
  const items: number[] = [];
  for (let i = 0; i < n; i++) items.push(i);
  let cursor = 0;
  const take = async (): Promise<number | undefined> =>
    cursor < items.length ? items[cursor++] : undefined;
  const worker = async () => {
    let sum = 0;
    for (let item = await take(); item !== undefined; item = await take()) sum += item;
    return sum;
  };
  const workers: Promise<number>[] = [];
  for (let w = 0; w < WORKERS; w++) workers.push(worker());
  let total = 0;
  for (const sum of await Promise.all(workers)) total += sum;
  return total;
}

function* floorWorker(items: number[], cursor: { at: number }): Generator<undefined, number> {
  let sum = 0;
  while (cursor.at < items.length) {
    yield;
    const item = items[cursor.at++];
    if (item !== undefined) sum += item;
  }
  return sum;
}

function floorWorkers(n: number): number {
  const items: number[] = [];
  for (let i = 0; i < n; i++) items.push(i);
  const cursor = { at: 0 };
  let live: Iterator<undefined, number>[] = [];
  for (let w = 0; w < WORKERS; w++) live.push(floorWorker(items, cursor));
  let total = 0;
  while (live.length > 0) {
    const still: Iterator<undefined, number>[] = [];
    for (const worker of live) {
      const next = worker.next();
      if (next.done) total += next.value;
      else still.push(worker);
    }
    live = still;
  }
  return total;
}

/** Row 6: 64 concurrent workers pull N items from one shared queue until it is closed. */
export async function measureWorkers({ n, effectionN, runs }: RowOptions): Promise<RowResult> {
  return {
    label: `${WORKERS} workers drain ${count(n)} items`,
    unit: "ms",
    n,
    item: "item",
    figures: {
      floor: { value: await time(() => floorWorkers(n), runs) },
      promise: { value: await time(() => promiseWorkers(n), runs) },
      effection: await timeScaled(effectionWorkers, n, effectionN, Math.min(runs, 3)),
      skein: { value: await time(() => skeinWorkers(n), runs) },
    },
  };
}

export const workersRow: Row = {
  id: "workers",
  defaults: { n: 100_000, effectionN: 100_000, runs: 5 },
  measure: measureWorkers,
};
