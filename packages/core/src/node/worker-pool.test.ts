import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { all } from "../all.js";
import { caught } from "../fixtures/caught.js";
import { inspect } from "../inspect.js";
import { scoped } from "../scoped.js";
import { spawn } from "../spawn.js";
import { describe, findTask, it, waitAllTasksBlocked } from "../test/mod.js";
import { until } from "../until.js";
import { withResolvers } from "../with-resolvers.js";
import { transfer } from "./transfer.js";
import { PoolQueueFullError, WorkerCrashedError, WorkerError } from "./worker-errors.js";
import { useWorkerPool } from "./worker-pool.js";

const work = new URL("../fixtures/work.mjs", import.meta.url);

function threadCount(): number {
  return readdirSync("/proc/self/task").length;
}

/** Entries of `after` beyond those already in `before`. */
function leftover(before: string[], after: string[]): string[] {
  const rest = [...before];
  return after.filter((entry) => {
    const i = rest.indexOf(entry);
    if (i < 0) return true;
    rest.splice(i, 1);
    return false;
  });
}

/** A flag the `spin` fixture raises once it is looping. */
function createFlag() {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { waitAsync } = Atomics as unknown as {
    waitAsync(array: Int32Array, index: number, value: number): { value: string | Promise<string> };
  };
  return { flag, raised: until(Promise.resolve(waitAsync(flag, 0, 0).value)) };
}

describe("useWorkerPool()", () => {
  it("says which job a task waits on, queued or running, and names the pool", function* () {
    const pool = yield* useWorkerPool({ module: work, size: 1 });
    const { flag, raised } = createFlag();
    yield* spawn(() => pool.run("spin", flag), { name: "spinner" });
    yield* raised;
    yield* spawn(() => pool.run("add", 1, 2), { name: "adder" });
    yield* waitAllTasksBlocked();
    const tree = inspect();
    expect(findTask(tree, "spinner")!.waitingOn).toBe("worker job spin (running)");
    expect(findTask(tree, "adder")!.waitingOn).toBe("worker job add (queued)");
    expect(findTask(tree, "worker pool")).toBeDefined();
  });

  it("runs an exported function in a worker and returns its result", function* () {
    const pool = yield* useWorkerPool({ module: work, size: 1 });
    expect(yield* pool.run("add", 2, 3)).toBe(5);
    expect(yield* pool.run("later", "async")).toBe("async");
  });

  it("completes 1,000 jobs through a pool of 2 with correct results", function* () {
    const pool = yield* useWorkerPool({ module: work, size: 2 });
    const results = yield* all(Array.from({ length: 1000 }, (_, i) => pool.run("square", i)));
    expect(results.map((r: { value: number }) => r.value)).toEqual(
      Array.from({ length: 1000 }, (_, i) => i * i),
    );
    expect(new Set(results.map((r: { thread: number }) => r.thread)).size).toBeLessThanOrEqual(2);
  });

  it("frees the caller of a job stuck in a loop when it is halted, and keeps serving", function* () {
    const pool = yield* useWorkerPool({ module: work, size: 1 });
    const { flag, raised } = createFlag();
    const job = yield* spawn(() => pool.run("spin", flag));
    yield* raised;

    const start = performance.now();
    yield* job.halt();
    // The loop never ends by itself: returning at all proves the worker was stopped.
    expect(performance.now() - start).toBeLessThan(5_000);
    expect(yield* pool.run("add", 1, 2)).toBe(3);
  });

  it("drops a queued job when it is halted and refuses jobs past maxQueue", function* () {
    const pool = yield* useWorkerPool({ module: work, size: 1, maxQueue: 1 });
    const { flag, raised } = createFlag();
    const spinning = yield* spawn(() => pool.run("spin", flag));
    yield* raised;
    const submitting = withResolvers<void>();
    const queued = yield* spawn(function* () {
      submitting.resolve();
      return yield* pool.run("add", 1, 1);
    });
    yield* submitting.operation;

    const error = yield* caught(() => pool.run("add", 2, 2));
    expect(error).toBeInstanceOf(PoolQueueFullError);
    expect((error as PoolQueueFullError).code).toBe("pool-queue-full");

    yield* queued.halt();
    const next = yield* spawn(() => pool.run("add", 3, 3));
    yield* spinning.halt();
    expect(yield* next).toBe(6);
  });

  it("rethrows worker errors with their name, message, stack and code", function* () {
    const pool = yield* useWorkerPool({ module: work, size: 1 });
    const error = (yield* caught(() => pool.run("fail", "out of range"))) as WorkerError;
    expect(error).toBeInstanceOf(WorkerError);
    expect(error.code).toBe("worker-error");
    expect(error.name).toBe("RangeError");
    expect(error.message).toBe("out of range");
    expect(error.stack).toMatch(/at fail \(.*fixtures\/work\.mjs:\d+:\d+\)/);
    expect(error.remoteCode).toBe("E_FIXTURE");

    const missing = (yield* caught(() => pool.run("nope"))) as WorkerError;
    expect(missing.name).toBe("TypeError");
    expect(missing.message).toContain('no exported function named "nope"');
  });

  it("fails only the job of a crashed worker and replaces the worker", function* () {
    const pool = yield* useWorkerPool({ module: work, size: 2 });
    const { flag, raised } = createFlag();
    const spinning = yield* spawn(() => pool.run("spin", flag));
    yield* raised;

    const exited = (yield* caught(() => pool.run("exit", 3))) as WorkerCrashedError;
    expect(exited).toBeInstanceOf(WorkerCrashedError);
    expect(exited.exitCode).toBe(3);

    const escaped = (yield* caught(() => pool.run("throwLater", "escaped"))) as WorkerCrashedError;
    expect(escaped.code).toBe("worker-crashed");
    expect((escaped.cause as Error).message).toBe("escaped");

    expect(yield* pool.run("add", 20, 22)).toBe(42);
    yield* spinning.halt();
  });

  it("transfers marked arguments and results instead of copying them", function* () {
    const pool = yield* useWorkerPool({ module: work, size: 1 });
    const bytes = new Uint8Array([1, 2, 3, 4]);
    expect(yield* pool.run("sum", transfer(bytes))).toBe(10);
    expect(bytes.byteLength).toBe(0);

    const filled = (yield* pool.run("fill", 1024, 7)) as Uint8Array;
    expect(filled).toBeInstanceOf(Uint8Array);
    expect(filled.byteLength).toBe(1024);
    expect(filled[1023]).toBe(7);
  });

  it("loads a TypeScript module when an import registers a loader in the worker", function* () {
    const pool = yield* useWorkerPool<typeof import("../fixtures/typed-work.js")>({
      module: new URL("../fixtures/typed-work.ts", import.meta.url),
      imports: [new URL("../fixtures/register-tsx.mjs", import.meta.url)],
      size: 1,
    });
    const greeting: string = yield* pool.run("greet", "ada");
    expect(greeting).toBe("hello ada");
  });

  it("leaves no worker thread or timer behind when its scope ends", function* () {
    const threads = threadCount();
    const resources = process.getActiveResourcesInfo();
    yield* scoped(function* () {
      const pool = yield* useWorkerPool({ module: work, size: 2, idleTimeout: 60_000 });
      const { flag, raised } = createFlag();
      yield* spawn(() => pool.run("spin", flag));
      yield* raised;
      expect(yield* pool.run("add", 1, 1)).toBe(2);
      expect(threadCount()).toBe(threads + 2);
    });
    expect(threadCount()).toBe(threads);
    expect(leftover(resources, process.getActiveResourcesInfo())).toEqual([]);
  });

  it("keeps the process alive until its workers exit when the last job ends the scope", function* () {
    const program = fileURLToPath(new URL("../fixtures/pool-exit-program.ts", import.meta.url));
    const exited = yield* until(
      new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile(process.execPath, ["--import", "tsx", program], (error, stdout) => {
          resolve({ code: error === null ? 0 : Number(error.code), stdout });
        });
      }),
    );
    expect(exited).toEqual({ code: 0, stdout: "returned 3\n" });
  }, 30_000);

  it("rejects bad options with a TypeError naming them", function* () {
    expect(() => useWorkerPool({ module: work, size: 0 })).toThrow(
      new TypeError("useWorkerPool(): size must be a positive integer, got 0"),
    );
    expect(() => useWorkerPool({ module: 42 as unknown as string })).toThrow(/module .* got 42/);
    expect(() => useWorkerPool({ module: work, idleTimeout: -1 })).toThrow(/idleTimeout/);
  });
});
