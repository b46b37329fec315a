import * as skein from "@skein/core";
import * as effection from "effection";
import { count } from "../format.js";
import { type Row, type RowOptions, type RowResult, time, timeScaled } from "../harness.js";

const resolved = Promise.resolve(1);

function skeinUntil(n: number): Promise<number> {
  return skein.run(function* () {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += yield* skein.until(resolved);
    return sum;
  });
}

function effectionUntil(n: number): Promise<number> {
  return effection.run(function* () {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += yield* effection.until(resolved);
    return sum;
  });
}

async function promiseUntil(n: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await resolved;
  return sum;
}

/** Row 4: N sequential waits on an already resolved promise inside one operation. */
export async function measureUntil({ n, effectionN, runs }: RowOptions): Promise<RowResult> {
  return {
    label: `${count(n)} until(resolved) steps`,
    unit: "ms",
    n,
    item: "step",
    figures: {
      promise: { value: await time(() => promiseUntil(n), runs) },
      effection: await timeScaled(effectionUntil, n, effectionN, Math.min(runs, 3)),
      skein: { value: await time(() => skeinUntil(n), runs) },
    },
  };
}

export const untilRow: Row = {
  id: "until",
  defaults: { n: 1_000_000, effectionN: 100_000, runs: 5 },
  measure: measureUntil,
};
