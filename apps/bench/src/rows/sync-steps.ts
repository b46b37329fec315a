import * as skein from "@skein/core";
import * as effection from "effection";
import { count } from "../format.js";
import { type Row, type RowOptions, type RowResult, time, timeScaled } from "../harness.js";

// `action` with a synchronous resolve is the one operation that hands an instruction to the
// engine in both APIs and settles at once: effection's `call(() => i)` and Skein's `call`/`lift`
// return plain values without entering the engine, which would measure nothing.
const one = (resolve: (value: number) => void) => {
  resolve(1);
  return noop;
};
const noop = () => {};

function skeinSyncSteps(n: number): Promise<number> {
  return skein.run(function* () {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += yield* skein.action(one);
    return sum;
  });
}

function effectionSyncSteps(n: number): Promise<number> {
  return effection.run(function* () {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += yield* effection.action(one);
    return sum;
  });
}

function* step(): Generator<undefined, number, unknown> {
  yield;
  return 1;
}

function* floorBody(n: number): Generator<undefined, number, unknown> {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += yield* step();
  return sum;
}

function floorSyncSteps(n: number): number {
  const iterator = floorBody(n);
  let next = iterator.next();
  while (!next.done) next = iterator.next();
  return next.value;
}

/** Row 5: N operations in a row that each yield to the engine and resume synchronously. */
export async function measureSyncSteps({ n, effectionN, runs }: RowOptions): Promise<RowResult> {
  return {
    label: `${count(n)} synchronous yield* steps`,
    unit: "ms",
    n,
    item: "step",
    figures: {
      floor: { value: await time(() => floorSyncSteps(n), runs) },
      effection: await timeScaled(effectionSyncSteps, n, effectionN, Math.min(runs, 3)),
      skein: { value: await time(() => skeinSyncSteps(n), runs) },
    },
  };
}

export const syncStepsRow: Row = {
  id: "sync-steps",
  defaults: { n: 1_000_000, effectionN: 100_000, runs: 5 },
  measure: measureSyncSteps,
};
