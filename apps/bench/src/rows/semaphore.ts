import * as skein from "@skein/core";
import pLimit from "p-limit";
import { count } from "../format.js";
import { type Row, type RowOptions, type RowResult, time } from "../harness.js";
import { PEER_NOTE } from "./peer-note.js";

const PERMITS = 64;

function skeinSemaphore(n: number): Promise<number> {
  return skein.run(function* () {
    const semaphore = skein.createSemaphore(PERMITS);
    const tasks: skein.Task<number>[] = [];
    for (let i = 0; i < n; i++) {
      tasks.push(
        yield* skein.spawn(() =>
          semaphore.withPermit(function* () {
            return i;
          }),
        ),
      );
    }
    let sum = 0;
    for (const task of tasks) sum += yield* task;
    return sum;
  });
}

async function pLimitSemaphore(n: number): Promise<number> {
  const limit = pLimit(PERMITS);
  const tasks: Promise<number>[] = [];
  for (let i = 0; i < n; i++) tasks.push(limit(() => i));
  let sum = 0;
  for (const value of await Promise.all(tasks)) sum += value;
  return sum;
}

/** Row: N trivial tasks, each holding one of 64 permits while it runs, against p-limit. */
export async function measureSemaphore({ n, runs }: RowOptions): Promise<RowResult> {
  return {
    label: `${count(n)} tasks through a ${PERMITS}-permit semaphore (Promise = p-limit ${PERMITS})`,
    unit: "ms",
    n,
    item: "task",
    figures: {
      promise: {
        value: await time(() => pLimitSemaphore(n), runs),
        note: PEER_NOTE,
      },
      skein: { value: await time(() => skeinSemaphore(n), runs) },
    },
  };
}

export const semaphoreRow: Row = {
  id: "semaphore",
  defaults: { n: 100_000, effectionN: 100_000, runs: 5 },
  measure: measureSemaphore,
};
