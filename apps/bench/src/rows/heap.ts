import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { count } from "../format.js";
import {
  type Engine,
  type Figure,
  median,
  type Row,
  type RowOptions,
  type RowResult,
} from "../harness.js";

const run = promisify(execFile);
const probe = fileURLToPath(new URL("../heap-probe.ts", import.meta.url));
const packageRoot = fileURLToPath(new URL("../..", import.meta.url));

async function bytesPerTask(engine: Engine, n: number): Promise<number> {
  const { stdout } = await run(
    process.execPath,
    ["--expose-gc", "--conditions=development", "--import", "tsx", probe, engine, String(n)],
    { cwd: packageRoot },
  );
  const { bytesPerTask } = JSON.parse(stdout) as { bytesPerTask: number };
  return bytesPerTask;
}

async function probeEngine(engine: Engine, n: number, runs: number): Promise<Figure> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await bytesPerTask(engine, n));
  return { value: median(samples) };
}

/** Row 3: heap held by each live task suspended forever, measured in a fresh process per engine. */
export async function measureHeap({ n, effectionN, runs }: RowOptions): Promise<RowResult> {
  const effection = await probeEngine("effection", effectionN, runs);
  if (effectionN < n)
    effection.note = `heap per task measured with ${count(effectionN)} live tasks`;
  return {
    label: `heap per suspended task, ${count(n)} live`,
    unit: "bytes/task",
    n,
    item: "task",
    figures: {
      floor: await probeEngine("floor", n, runs),
      promise: await probeEngine("promise", n, runs),
      effection,
      skein: await probeEngine("skein", n, runs),
    },
  };
}

export const heapRow: Row = {
  id: "heap",
  defaults: { n: 100_000, effectionN: 10_000, runs: 3 },
  measure: measureHeap,
};
