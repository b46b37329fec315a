import * as skein from "@skein/core";
import pMap from "p-map";
import { count } from "../format.js";
import { type Row, type RowOptions, type RowResult, time } from "../harness.js";
import { PEER_NOTE } from "./peer-note.js";

const CONCURRENCY = 64;

function skeinMap(items: number[]): Promise<number> {
  return skein.run(function* () {
    const results = yield* skein
      .mapConcurrent(items, { concurrency: CONCURRENCY }, function* (item) {
        return item;
      })
      .toArray();
    let sum = 0;
    for (const value of results) sum += value;
    return sum;
  });
}

async function pMapMap(items: number[]): Promise<number> {
  const results = await pMap(items, (item) => item, { concurrency: CONCURRENCY });
  let sum = 0;
  for (const value of results) sum += value;
  return sum;
}

/** Row: map N items with at most 64 in flight, results in input order, against p-map. */
export async function measureMapConcurrent({ n, runs }: RowOptions): Promise<RowResult> {
  const items = Array.from({ length: n }, (_, i) => i);
  return {
    label: `mapConcurrent over ${count(n)} items, concurrency ${CONCURRENCY} (Promise = p-map)`,
    unit: "ms",
    n,
    item: "item",
    figures: {
      promise: { value: await time(() => pMapMap(items), runs), note: PEER_NOTE },
      skein: { value: await time(() => skeinMap(items), runs) },
    },
  };
}

export const mapConcurrentRow: Row = {
  id: "map-concurrent",
  defaults: { n: 100_000, effectionN: 100_000, runs: 5 },
  measure: measureMapConcurrent,
};
