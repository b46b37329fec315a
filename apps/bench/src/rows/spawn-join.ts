import * as skein from "@skein/core";
import * as effection from "effection";
import { count } from "../format.js";
import { type Row, type RowOptions, type RowResult, time, timeAtFullN } from "../harness.js";

// Each engine gets its own copy of the body so the JIT's type feedback for one engine's
// iterators never slows down another's.

function skeinSpawnJoin(n: number): Promise<number> {
  return skein.run(function* () {
    const tasks: skein.Task<number>[] = [];
    for (let i = 0; i < n; i++) {
      tasks.push(
        yield* skein.spawn(function* () {
          return i;
        }),
      );
    }
    let sum = 0;
    for (const task of tasks) sum += yield* task;
    return sum;
  });
}

function effectionSpawnJoin(n: number): Promise<number> {
  return effection.run(function* () {
    const tasks: effection.Task<number>[] = [];
    for (let i = 0; i < n; i++) {
      tasks.push(
        yield* effection.spawn(function* () {
          return i;
        }),
      );
    }
    let sum = 0;
    for (const task of tasks) sum += yield* task;
    return sum;
  });
}

async function promiseSpawnJoin(n: number): Promise<number> {
  const tasks: Promise<number>[] = [];
  for (let i = 0; i < n; i++) tasks.push((async () => i)());
  let sum = 0;
  for (const value of await Promise.all(tasks)) sum += value;
  return sum;
}

function floorSpawnJoin(n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const body = function* () {
      return i;
    };
    const iterator = body();
    let next = iterator.next();
    while (!next.done) next = iterator.next();
    sum += next.value;
  }
  return sum;
}

/** Row 1: spawn N trivial child tasks, then join each in order; every engine at the same N. */
export async function measureSpawnJoin({ n, effectionN, runs }: RowOptions): Promise<RowResult> {
  return {
    label: `spawn + join, ${count(n)} tasks`,
    unit: "ms",
    n,
    item: "task",
    figures: {
      floor: { value: await time(() => floorSpawnJoin(n), runs) },
      promise: { value: await time(() => promiseSpawnJoin(n), runs) },
      // effection's cost per task grows with the number alive at once (about 160 us at 10k,
      // 200 us at 100k here), so it runs at the full N like the others; once, as it takes ~20 s.
      effection: await timeAtFullN(effectionSpawnJoin, n, effectionN, 1),
      skein: { value: await time(() => skeinSpawnJoin(n), runs) },
    },
  };
}

export const spawnJoinRow: Row = {
  id: "spawn-join",
  defaults: { n: 100_000, effectionN: 10_000, runs: 5 },
  measure: measureSpawnJoin,
};
