import * as skein from "@skein/core";
import * as effection from "effection";
import { count } from "../format.js";
import { type Row, type RowOptions, type RowResult, time, timeScaled } from "../harness.js";

function* value(i: number): Generator<never, number> {
  return i;
}

async function valueAsync(i: number): Promise<number> {
  return i;
}

function sum(values: number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

function skeinAll(n: number): Promise<number> {
  const operations: skein.Operation<number>[] = [];
  for (let i = 0; i < n; i++) operations.push(value(i));
  return skein.run(function* () {
    return sum(yield* skein.all(operations));
  });
}

function effectionAll(n: number): Promise<number> {
  const operations: effection.Operation<number>[] = [];
  for (let i = 0; i < n; i++) operations.push(value(i));
  return effection.run(function* () {
    return sum(yield* effection.all(operations));
  });
}

async function promiseAll(n: number): Promise<number> {
  const promises: Promise<number>[] = [];
  for (let i = 0; i < n; i++) promises.push(valueAsync(i));
  return sum(await Promise.all(promises));
}

function floorAll(n: number): number {
  const operations: Iterator<never, number>[] = [];
  for (let i = 0; i < n; i++) operations.push(value(i));
  const results: number[] = [];
  for (const operation of operations) {
    let next = operation.next();
    while (!next.done) next = operation.next();
    results.push(next.value);
  }
  return sum(results);
}

/** Row 2: `all()` over N operations that each return at once. */
export async function measureAll({ n, effectionN, runs }: RowOptions): Promise<RowResult> {
  return {
    label: `all() over ${count(n)} operations`,
    unit: "ms",
    n,
    item: "op",
    figures: {
      floor: { value: await time(() => floorAll(n), runs) },
      promise: { value: await time(() => promiseAll(n), runs) },
      effection: await timeScaled(effectionAll, n, effectionN, Math.min(runs, 3)),
      skein: { value: await time(() => skeinAll(n), runs) },
    },
  };
}

export const allRow: Row = {
  id: "all",
  defaults: { n: 100_000, effectionN: 10_000, runs: 5 },
  measure: measureAll,
};
