import { expect } from "vitest";
import { caught } from "./fixtures/caught.js";
import { createSkippingClock } from "./fixtures/manual-clock.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { SupervisorError, supervise } from "./supervise.js";
import { suspend } from "./suspend.js";
import { taskGroup } from "./task-group.js";
import { describe, it } from "./test/mod.js";
import { withResolvers } from "./with-resolvers.js";

describe("supervise()", () => {
  it("restarts a failing operation until it returns", function* () {
    const clock = createSkippingClock();
    const restarts: unknown[] = [];
    let runs = 0;
    const value = yield* supervise(
      function* () {
        runs++;
        yield* sleep(0);
        if (runs < 3) throw new Error(`crash ${runs}`);
        return "up";
      },
      {
        backoff: { initial: 100, factor: 2, jitter: "none" },
        clock,
        sleep: clock.sleep,
        onRestart: ({ restart, delayMs, error }) =>
          restarts.push({ restart, delayMs, message: (error as Error).message }),
      },
    );
    expect(value).toBe("up");
    expect(runs).toBe(3);
    expect(restarts).toEqual([
      { restart: 1, delayMs: 100, message: "crash 1" },
      { restart: 2, delayMs: 200, message: "crash 2" },
    ]);
  });

  it("gives up with the failures once more than maxRestarts happen within the window", function* () {
    const clock = createSkippingClock();
    let runs = 0;
    const error = yield* caught(
      supervise(
        function* () {
          runs++;
          throw new Error(`crash ${runs}`);
        },
        { maxRestarts: 2, within: 60_000, clock, sleep: clock.sleep },
      ),
    );
    expect(error).toBeInstanceOf(SupervisorError);
    const failure = error as SupervisorError;
    expect(failure.code).toBe("restarts-exhausted");
    expect(failure.failures.map((e) => (e as Error).message)).toEqual([
      "crash 1",
      "crash 2",
      "crash 3",
    ]);
    expect(failure.cause).toBe(failure.failures[2]);
    expect(failure.message).toContain("crash 3");
    expect(runs).toBe(3);
  });

  it("forgets restarts older than the window", function* () {
    const clock = createSkippingClock();
    let runs = 0;
    const value = yield* supervise(
      function* () {
        runs++;
        yield* clock.sleep(2_000);
        if (runs <= 6) throw new Error("crash");
        return runs;
      },
      {
        maxRestarts: 1,
        within: 1_500,
        backoff: { initial: 0 },
        clock,
        sleep: clock.sleep,
      },
    );
    expect(value).toBe(7);
  });

  it("restarts after a clean return with restart: always", function* () {
    const clock = createSkippingClock();
    let runs = 0;
    const error = yield* caught(
      supervise(
        function* () {
          runs++;
        },
        { restart: "always", maxRestarts: 3, clock, sleep: clock.sleep },
      ),
    );
    expect(runs).toBe(4);
    expect((error as SupervisorError).failures).toEqual([]);
  });

  it("halts the current run when the supervisor is halted", function* () {
    const running = withResolvers<void>();
    let cleaned = false;
    let runs = 0;
    const task = yield* spawn(() =>
      supervise(function* () {
        runs++;
        try {
          running.resolve();
          yield* suspend();
        } finally {
          cleaned = true;
        }
      }),
    );
    yield* running.operation;
    yield* task.halt();
    expect(cleaned).toBe(true);
    expect(runs).toBe(1);
  });

  it("stops waiting to restart when halted", function* () {
    const waiting = withResolvers<void>();
    let runs = 0;
    const task = yield* spawn(() =>
      supervise(
        function* () {
          runs++;
          throw new Error("crash");
        },
        { backoff: { initial: 60_000, jitter: "none" }, onRestart: () => waiting.resolve() },
      ),
    );
    yield* waiting.operation;
    yield* task.halt();
    expect(runs).toBe(1);
  });

  it("throws a TypeError for bad options", function* () {
    const op = function* () {};
    expect(() => supervise(op, { maxRestarts: -1 })).toThrow(/maxRestarts.*-1/);
    expect(() => supervise(op, { maxRestarts: 1.5 })).toThrow(/maxRestarts.*1\.5/);
    expect(() => supervise(op, { within: 0 })).toThrow(/within.*got 0/);
    expect(() => supervise(op, { restart: "sometimes" as "always" })).toThrow(/restart.*sometimes/);
  });

  it("a supervised task group can still be halted after one restart", function* () {
    const restarted = withResolvers<void>();
    let runs = 0;
    let cleaned = 0;
    const task = yield* spawn(() =>
      supervise(
        () =>
          taskGroup(function* (group) {
            runs++;
            if (runs === 1) {
              yield* group.spawn(function* () {
                throw new Error("crash");
              });
            } else restarted.resolve();
            try {
              yield* suspend();
            } finally {
              cleaned++;
            }
          }),
        { backoff: { initial: 0, jitter: "none" } },
      ),
    );
    yield* restarted.operation;
    yield* task.halt();
    expect(runs).toBe(2);
    expect(cleaned).toBe(2);
  });

  it("a halt whose cleanup throws ends the supervision instead of restarting", function* () {
    const started = withResolvers<void>();
    let runs = 0;
    const task = yield* spawn(() =>
      supervise(function* () {
        runs++;
        try {
          started.resolve();
          yield* suspend();
        } finally {
          // biome-ignore lint/correctness/noUnsafeFinally: a cleanup that fails
          throw new Error("cleanup failed");
        }
      }),
    );
    yield* started.operation;
    const error = yield* caught(task.halt());
    expect(runs).toBe(1);
    expect((error as Error).message).toBe("cleanup failed");
  });
});
