import { readdirSync } from "node:fs";
import { expect } from "vitest";
import { caught } from "../fixtures/caught.js";
import { runProgram } from "../fixtures/program.js";
import { spawn } from "../spawn.js";
import { describe, it } from "../test/mod.js";
import { until } from "../until.js";
import { toThread } from "./to-thread.js";
import { transfer } from "./transfer.js";
import { WorkerCrashedError, WorkerError } from "./worker-errors.js";

describe("toThread()", () => {
  it("runs a function in a worker thread and returns its result", function* () {
    const result = yield* toThread(
      async (a: number, b: number) => {
        const threads: typeof import("node:worker_threads") = require("node:worker_threads");
        return { sum: await Promise.resolve(a + b), main: threads.isMainThread };
      },
      20,
      22,
    );
    expect(result).toEqual({ sum: 42, main: false });
  });

  it("moves transferred arguments", function* () {
    const bytes = new Uint8Array([5, 6]);
    expect(yield* toThread((b: Uint8Array) => b[0]! + b[1]!, transfer(bytes) as never)).toBe(11);
    expect(bytes.byteLength).toBe(0);
  });

  it("rethrows errors with their name, message and stack", function* () {
    const error = (yield* caught(() =>
      toThread(function explode() {
        throw new SyntaxError("bad input");
      }),
    )) as WorkerError;
    expect(error).toBeInstanceOf(WorkerError);
    expect(error.name).toBe("SyntaxError");
    expect(error.message).toBe("bad input");
    expect(error.stack).toContain("at explode");
  });

  it("fails with a ReferenceError when the function uses a closure", function* () {
    const outer = 1;
    const error = (yield* caught(() => toThread(() => outer + 1))) as WorkerError;
    expect(error.name).toBe("ReferenceError");
  });

  it("reports a worker that exits as crashed", function* () {
    const error = (yield* caught(() => toThread(() => process.exit(4)))) as WorkerCrashedError;
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error.exitCode).toBe(4);
  });

  it("terminates a looping function when it is halted", function* () {
    const threads = readdirSync("/proc/self/task").length;
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const { waitAsync } = Atomics as unknown as {
      waitAsync(array: Int32Array, index: number, value: number): { value: Promise<string> };
    };
    const looping = waitAsync(flag, 0, 0).value;
    const task = yield* spawn(() =>
      toThread((f: Int32Array) => {
        Atomics.store(f, 0, 1);
        Atomics.notify(f, 0);
        for (;;) {}
      }, flag),
    );
    yield* until(looping);

    const start = performance.now();
    yield* task.halt();
    // The loop never ends by itself: returning at all proves the thread was terminated.
    expect(performance.now() - start).toBeLessThan(5_000);
    expect(readdirSync("/proc/self/task").length).toBe(threads);
  });

  it("rejects what is not a function", function* () {
    expect(() => toThread(42 as never)).toThrow(
      new TypeError("toThread(): fn must be a function, got 42"),
    );
    expect(() => toThread(Math.max)).toThrow(/native max/);
  });

  it("runs a function with nested named functions under tsx, whose transform adds __name calls", function* () {
    const { status, stdout, stderr } = yield* runProgram(
      new URL("../fixtures/to-thread-program.ts", import.meta.url),
      "",
    );
    expect(stderr).not.toContain("__name");
    expect(stdout).toBe("35\n");
    expect(status).toBe(0);
  }, 30_000);
});
