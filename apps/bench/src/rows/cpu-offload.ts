import * as skein from "@skein/core";
import { useWorkerPool, type WorkerPool } from "@skein/core/node";
import { extractLinks } from "../fixtures/extract-links.mjs";
import { count } from "../format.js";
import type { Row, RowOptions, RowResult } from "../harness.js";
import { type TimeAndLag, timeWithLag } from "../loop-lag.js";
import { syntheticPage } from "../synthetic-html.js";

const PAGE_BYTES = 50_000;
const POOL_SIZE = 2;
const WORKER_MODULE = new URL("../fixtures/extract-links.mjs", import.meta.url);

type LinkModule = typeof import("../fixtures/extract-links.mjs");

const baseUrl = (index: number) => `https://site.example/blog/post-${index}.html`;

function inline(pages: string[]): number {
  let links = 0;
  for (let i = 0; i < pages.length; i++) links += extractLinks(pages[i]!, baseUrl(i)).length;
  return links;
}

function* pooled(pool: WorkerPool<LinkModule>, pages: string[]): skein.Operation<number> {
  const results = yield* skein.all(
    pages.map((page, i) => pool.run("extractLinks", page, baseUrl(i))),
  );
  let links = 0;
  for (const found of results) links += found.length;
  return links;
}

/** Check the pool against the inline scan, then time it; the pool and its workers live across runs. */
function timePool(pages: string[], expected: number, runs: number): Promise<TimeAndLag> {
  return skein.run(function* () {
    const pool = yield* useWorkerPool<LinkModule>({ module: WORKER_MODULE, size: POOL_SIZE });
    const found = yield* pooled(pool, pages);
    if (found !== expected) {
      throw new Error(`the pool found ${found} links and the inline scan ${expected}`);
    }
    const scope = yield* skein.useScope();
    return yield* skein.until(timeWithLag(() => scope.run(() => pooled(pool, pages)), runs));
  });
}

/**
 * Rows: extract the links of N synthetic 50 KB pages with a hand-written scanner, inline on the
 * main thread (floor column) and through a 2-worker pool (Skein column), and the longest
 * event-loop stall during each.
 */
export async function measureCpuOffload({ n, runs }: RowOptions): Promise<RowResult[]> {
  const pages = Array.from({ length: n }, (_, i) => syntheticPage(i, PAGE_BYTES));
  const main = await timeWithLag(() => inline(pages), runs);
  const pool = await timePool(pages, inline(pages), runs);
  const throughput = (main.ms / pool.ms).toFixed(2);
  const note = `floor = the scan inline on the main thread; Skein = the same module through useWorkerPool({ size: ${POOL_SIZE} }), started once before timing, whose first pass is the warmup; lag = the median over the runs of the longest event-loop delay in each`;
  return [
    {
      label: `CPU offload: links of ${count(n)} × 50 KB pages, pool at ${throughput}x inline pages/s`,
      unit: "ms",
      n,
      item: "page",
      figures: { floor: { value: main.ms, note }, skein: { value: pool.ms } },
    },
    {
      label: "CPU offload: longest event-loop stall during a run",
      unit: "max ms",
      n,
      item: "page",
      figures: { floor: { value: main.lagMs, note }, skein: { value: pool.lagMs } },
    },
  ];
}

export const cpuOffloadRow: Row = {
  id: "cpu-offload",
  defaults: { n: 2_000, effectionN: 2_000, runs: 3 },
  measure: measureCpuOffload,
};
