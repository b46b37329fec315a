// The child-process entry for the heap row: run as
// `node --expose-gc --conditions=development --import tsx src/heap-probe.ts <engine> <n>`
// so each engine is measured in a fresh heap. Prints `{"bytesPerTask": number}` on stdout.
import * as skein from "@skein/core";
import * as effection from "effection";
import type { Engine } from "./harness.js";

const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) throw new Error("heap-probe needs node --expose-gc");

const WARMUP = 100;
let started = 0;

function* skeinSleeper(): skein.Operation<void> {
  started++;
  yield* skein.suspend();
}

function* effectionSleeper(): effection.Operation<void> {
  started++;
  yield* effection.suspend();
}

function* floorSleeper(): Generator<undefined, void> {
  started++;
  yield;
}

async function asyncSleeper(pending: Promise<void>): Promise<void> {
  started++;
  await pending;
}

/** Start `n` suspended tasks and return what keeps them reachable. */
function start(engine: Engine, n: number): unknown {
  switch (engine) {
    case "skein":
      return skein.run(function* () {
        for (let i = 0; i < n; i++) yield* skein.spawn(skeinSleeper);
        yield* skein.suspend();
      });
    case "effection":
      return effection.run(function* () {
        for (let i = 0; i < n; i++) yield* effection.spawn(effectionSleeper);
        yield* effection.suspend();
      });
    case "promise": {
      const resolvers: (() => void)[] = [];
      for (let i = 0; i < n; i++) {
        asyncSleeper(new Promise<void>((resolve) => resolvers.push(resolve)));
      }
      return resolvers;
    }
    case "floor": {
      const generators: Generator<undefined, void>[] = [];
      for (let i = 0; i < n; i++) {
        const generator = floorSleeper();
        generator.next();
        generators.push(generator);
      }
      return generators;
    }
  }
}

async function settle(n: number): Promise<void> {
  while (started < n) await new Promise((resolve) => setImmediate(resolve));
  // Let the engines finish any bookkeeping scheduled after the last task suspended.
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

function heapUsed(): number {
  collect!();
  collect!();
  return process.memoryUsage().heapUsed;
}

const ENGINES: readonly string[] = ["floor", "promise", "effection", "skein"];
const engine = process.argv[2] as Engine;
const n = Number(process.argv[3]);
if (!ENGINES.includes(engine) || !Number.isInteger(n) || n <= 0) {
  throw new TypeError(`usage: heap-probe.ts <${ENGINES.join("|")}> <positive integer n>`);
}
// A first small batch compiles the code paths, so bytecode and inline caches are not billed to
// the measured tasks.
const warm = start(engine, WARMUP);
await settle(WARMUP);
started = 0;
const before = heapUsed();
const handle = start(engine, n);
await settle(n);
const after = heapUsed();
process.stdout.write(`${JSON.stringify({ bytesPerTask: (after - before) / n })}\n`);
// Keep the tasks reachable until after the measurement.
if (handle === undefined || warm === undefined) process.exitCode = 1;
process.exit();
