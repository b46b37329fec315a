import { expect } from "vitest";
import { HaltError } from "./errors.js";
import { runProgram } from "./fixtures/program.js";
import { run } from "./run.js";
import { sleep } from "./sleep.js";
import { suspend } from "./suspend.js";
import { describe, it } from "./test/mod.js";
import type { Task } from "./types.js";
import { until } from "./until.js";
import { withResolvers } from "./with-resolvers.js";

describe("run()", () => {
  it("resolves with the operation's value", function* () {
    const value = yield* until(
      run(function* () {
        yield* sleep(1);
        return 42;
      }),
    );
    expect(value).toBe(42);
  });

  it("rejects with the operation's error", function* () {
    const outcome = yield* until(
      run(function* () {
        throw new Error("failed");
      }).then(
        () => "resolved",
        (error: Error) => error.message,
      ),
    );
    expect(outcome).toBe("failed");
  });

  it("rejects with a HaltError once halted, after its cleanup", function* () {
    const log: string[] = [];
    const started = withResolvers<void>();
    const task = run(function* () {
      try {
        started.resolve();
        yield* suspend();
      } finally {
        yield* sleep(1);
        log.push("cleanup");
      }
    });
    yield* started.operation;
    yield* until(task.halt());
    log.push("halted");
    const error = yield* until(
      task.then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
    expect(error).toBeInstanceOf(HaltError);
    expect(log).toEqual(["cleanup", "halted"]);
  });

  describe("a failure nobody awaits", () => {
    const PROGRAM = new URL("./fixtures/unobserved-program.ts", import.meta.url);

    it("surfaces as an unhandled rejection when the task of run() is never awaited", function* () {
      const { status, stderr } = yield* runProgram(PROGRAM, "run");
      expect(stderr).toContain("nobody awaited this failure");
      expect(status).toBe(1);
    }, 30_000);

    it("surfaces as an unhandled rejection when the task of scope.run() is never awaited", function* () {
      const { status, stderr } = yield* runProgram(PROGRAM, "scope");
      expect(stderr).toContain("nobody awaited this failure");
      expect(status).toBe(1);
    }, 30_000);

    it("stays quiet when the task is awaited", function* () {
      const { status, stdout, stderr } = yield* runProgram(PROGRAM, "awaited");
      expect(stdout).toBe("caught: nobody awaited this failure\n");
      expect(stderr).toBe("");
      expect(status).toBe(0);
    }, 30_000);

    it("stays quiet when another task joins it", function* () {
      const { status, stdout, stderr } = yield* runProgram(PROGRAM, "joined");
      expect(stdout).toBe("joined: nobody awaited this failure\n");
      expect(stderr).toBe("");
      expect(status).toBe(0);
    }, 30_000);
  });

  it("is AsyncDisposable: await using halts the task at block exit, and halt() after is harmless", function* () {
    const events: string[] = [];
    const started = withResolvers<void>();
    let disposed: Task<void> | undefined;
    yield* until(
      (async () => {
        {
          await using task = run(function* () {
            try {
              started.resolve();
              yield* suspend();
            } finally {
              events.push("task cleanup");
            }
          });
          await run(() => started.operation);
          events.push("block ending");
          disposed = task;
        }
        events.push("block exited");
        await disposed!.halt();
        await disposed![Symbol.asyncDispose]();
        events.push("halted again");
      })(),
    );
    expect(events).toEqual(["block ending", "task cleanup", "block exited", "halted again"]);
  });
});
