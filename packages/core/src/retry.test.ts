import { expect } from "vitest";
import { caught } from "./fixtures/caught.js";
import { retry, retryAttempts } from "./retry.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { suspend } from "./suspend.js";
import { type TaskGroupError, taskGroup } from "./task-group.js";
import { describe, it } from "./test/mod.js";
import { timeout } from "./timeout.js";
import type { Operation } from "./types.js";
import { withResolvers } from "./with-resolvers.js";

/** A sleeper that records each wait and returns at once. */
function recorder(): { delays: number[]; sleep: (ms: number) => Operation<void> } {
  const delays: number[] = [];
  return {
    delays,
    *sleep(ms) {
      delays.push(ms);
    },
  };
}

/** An attempt that fails `failures` times, then returns "ok". */
function flaky(failures: number): { calls: () => number; attempt: () => Operation<string> } {
  let calls = 0;
  return {
    calls: () => calls,
    *attempt() {
      calls++;
      yield* sleep(0);
      if (calls <= failures) throw new Error(`failure ${calls}`);
      return "ok";
    },
  };
}

describe("retry()", () => {
  it("returns the value of the first attempt that succeeds", function* () {
    const op = flaky(2);
    const { sleep: fake } = recorder();
    expect(yield* retry(op.attempt, { attempts: 3, sleep: fake })).toBe("ok");
    expect(op.calls()).toBe(3);
  });

  it("rethrows the last error once the attempts are used, recording how many", function* () {
    const op = flaky(10);
    const { sleep: fake } = recorder();
    const error = yield* caught(retry(op.attempt, { attempts: 4, sleep: fake }));
    expect((error as Error).message).toBe("failure 4");
    expect(retryAttempts(error)).toBe(4);
    expect(op.calls()).toBe(4);
  });

  it("stops at once when retryIf says no", function* () {
    const op = flaky(10);
    const seen: [string, number][] = [];
    const error = yield* caught(
      retry(op.attempt, {
        attempts: 5,
        sleep: recorder().sleep,
        retryIf: (e, attempt) => {
          seen.push([(e as Error).message, attempt]);
          return attempt < 2;
        },
      }),
    );
    expect(seen).toEqual([
      ["failure 1", 1],
      ["failure 2", 2],
    ]);
    expect(retryAttempts(error)).toBe(2);
  });

  it("waits per the backoff policy and tells onRetry", function* () {
    const op = flaky(4);
    const { delays, sleep: fake } = recorder();
    const infos: unknown[] = [];
    yield* retry(op.attempt, {
      attempts: 5,
      backoff: { initial: 10, factor: 2, max: 30, jitter: "none" },
      sleep: fake,
      onRetry: ({ attempt, delayMs, error }) =>
        infos.push({ attempt, delayMs, message: (error as Error).message }),
    });
    expect(delays).toEqual([10, 20, 30, 30]);
    expect(infos[0]).toEqual({ attempt: 1, delayMs: 10, message: "failure 1" });
    expect(infos).toHaveLength(4);
  });

  it("applies full jitter by default", function* () {
    const { delays, sleep: fake } = recorder();
    yield* retry(flaky(2).attempt, {
      backoff: { initial: 100, random: () => 0.25 },
      sleep: fake,
    });
    expect(delays).toEqual([25, 50]);
  });

  it("halts the tasks an attempt started before the next attempt", function* () {
    const events: string[] = [];
    let calls = 0;
    yield* retry(
      function* () {
        calls++;
        const n = calls;
        yield* spawn(function* () {
          try {
            yield* suspend();
          } finally {
            events.push(`halted ${n}`);
          }
        });
        yield* sleep(0);
        events.push(`attempt ${n}`);
        if (n === 1) throw new Error("again");
      },
      { sleep: recorder().sleep },
    );
    expect(events).toEqual(["attempt 1", "halted 1", "attempt 2", "halted 2"]);
  });

  it("stops waiting when it is halted", function* () {
    const waiting = withResolvers<void>();
    let calls = 0;
    let cleaned = false;
    const task = yield* spawn(() =>
      retry(
        function* () {
          calls++;
          throw new Error("down");
        },
        {
          backoff: { initial: 60_000, jitter: "none" },
          onRetry: () => waiting.resolve(),
          *sleep(ms) {
            try {
              yield* sleep(ms);
            } finally {
              cleaned = true;
            }
          },
        },
      ),
    );
    yield* waiting.operation;
    yield* task.halt();
    expect(cleaned).toBe(true);
    expect(calls).toBe(1);
  });

  it("gives up with the last error when the next wait would cross the deadline", function* () {
    const { delays, sleep: fake } = recorder();
    const error = yield* caught(
      timeout(
        60_000,
        retry(flaky(10).attempt, {
          attempts: 10,
          backoff: { initial: 20_000, factor: 2, max: 1_000_000, jitter: "none" },
          sleep: fake,
        }),
      ),
    );
    expect((error as Error).message).toBe("failure 3");
    expect(retryAttempts(error)).toBe(3);
    expect(delays).toEqual([20_000, 40_000]);
  });

  it("throws a TypeError for zero, negative or fractional attempts", function* () {
    const op = flaky(0).attempt;
    expect(() => retry(op, { attempts: 0 })).toThrow(/attempts.*got 0/);
    expect(() => retry(op, { attempts: -2 })).toThrow(/attempts.*-2/);
    expect(() => retry(op, { attempts: 1.5 })).toThrow(/attempts.*1\.5/);
    expect(() => retry(op, { backoff: { initial: -1 } })).toThrow(TypeError);
  });

  it("records nothing on errors that did not come from retry", function* () {
    expect(retryAttempts(new Error("plain"))).toBeUndefined();
    expect(retryAttempts("text")).toBeUndefined();
  });

  it("a retried task group can still be halted after one retry", function* () {
    const retried = withResolvers<void>();
    let runs = 0;
    let cleaned = 0;
    const task = yield* spawn(() =>
      retry(
        () =>
          taskGroup(function* (group) {
            runs++;
            if (runs === 1) {
              yield* group.spawn(function* () {
                throw new Error("crash");
              });
            } else retried.resolve();
            try {
              yield* suspend();
            } finally {
              cleaned++;
            }
          }),
        { sleep: recorder().sleep },
      ),
    );
    yield* retried.operation;
    yield* task.halt();
    expect(runs).toBe(2);
    expect(cleaned).toBe(2);
  });

  it("a halt whose cleanup throws ends the retry instead of starting it over", function* () {
    const started = withResolvers<void>();
    let attempts = 0;
    const task = yield* spawn(() =>
      retry(
        () =>
          taskGroup(function* (group) {
            attempts++;
            yield* group.spawn(function* () {
              try {
                started.resolve();
                yield* suspend();
              } finally {
                // biome-ignore lint/correctness/noUnsafeFinally: a cleanup that fails
                throw new Error("cleanup failed");
              }
            });
          }),
        { sleep: recorder().sleep },
      ),
    );
    yield* started.operation;
    const error = yield* caught(task.halt());
    expect(attempts).toBe(1);
    expect((error as TaskGroupError).errors.map((e) => (e as Error).message)).toEqual([
      "cleanup failed",
    ]);
  });
});
