import { stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { call } from "../call.js";
import { createContext } from "../context.js";
import { ensure } from "../ensure.js";
import { HaltError } from "../errors.js";
import { run } from "../run.js";
import { useScope } from "../scope.js";
import { scoped } from "../scoped.js";
import { sleep } from "../sleep.js";
import { spawn } from "../spawn.js";
import { suspend } from "../suspend.js";
import { describe, it } from "../test/mod.js";
import type { Operation, Task } from "../types.js";
import { until } from "../until.js";
import { withResolvers } from "../with-resolvers.js";

const Counter = createContext<number>("counter", 1);

function* outcomeOf(operation: Operation<unknown>): Operation<unknown> {
  try {
    return { value: yield* operation };
  } catch (error) {
    return { error };
  }
}

/** Delegates `depth` levels deep with `yield*`; every level does async work in its finally. */
function* nested(depth: number, log: string[], ready: () => void): Operation<void> {
  try {
    if (depth === 0) {
      ready();
      yield* suspend();
    } else {
      yield* nested(depth - 1, log, ready);
    }
  } finally {
    yield* sleep(1);
    yield* until(stat(fileURLToPath(import.meta.url)));
    const helper = yield* spawn(function* () {
      yield* sleep(0);
      return depth;
    });
    log.push(`level ${yield* helper} done`);
  }
}

function* startedTask(body: (ready: () => void) => Operation<unknown>): Operation<Task<unknown>> {
  const started = withResolvers<void>();
  const task = yield* spawn(() => body(() => started.resolve()));
  yield* started.operation;
  return task;
}

describe("a task", () => {
  for (const depth of [1, 3, 10]) {
    it(`drives cleanup to completion through ${depth} levels of yield* delegation when halted`, function* () {
      const log: string[] = [];
      const task = yield* startedTask((ready) => nested(depth, log, ready));
      yield* task.halt();
      log.push("halt resolved");
      const expected = Array.from({ length: depth + 1 }, (_, level) => `level ${level} done`);
      expect(log).toEqual([...expected, "halt resolved"]);
    });
  }

  it("rejects with a HaltError when awaited after being halted", function* () {
    const task = run(function* () {
      yield* suspend();
    });
    yield* task.halt();
    const error = yield* until(
      task.then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
    expect(error).toBeInstanceOf(HaltError);
    expect((error as HaltError).code).toBe("halted");
  });

  it("throws a HaltError from yield* once halted", function* () {
    const task = yield* startedTask(function* (ready) {
      ready();
      yield* suspend();
    });
    yield* task.halt();
    const outcome = (yield* outcomeOf(task)) as { error?: unknown };
    expect(outcome.error).toBeInstanceOf(HaltError);
  });

  it("resolves halt() only after its cleanup, including its children's, has run", function* () {
    const log: string[] = [];
    const task = yield* startedTask(function* (ready) {
      yield* spawn(function* () {
        try {
          yield* suspend();
        } finally {
          yield* sleep(1);
          log.push("child cleanup");
        }
      });
      try {
        ready();
        yield* suspend();
      } finally {
        yield* sleep(1);
        log.push("own cleanup");
      }
    });
    yield* task.halt();
    log.push("halted");
    expect(log).toEqual(["own cleanup", "child cleanup", "halted"]);
  });

  it("halts its children most recent first when halted", function* () {
    const log: string[] = [];
    const task = yield* startedTask(function* (ready) {
      for (const name of ["a", "b", "c"]) {
        const started = withResolvers<void>();
        yield* spawn(function* () {
          try {
            started.resolve();
            yield* suspend();
          } finally {
            yield* sleep(1);
            log.push(name);
          }
        });
        yield* started.operation;
      }
      ready();
      yield* suspend();
    });
    yield* task.halt();
    expect(log).toEqual(["c", "b", "a"]);
  });

  it("never runs the body of a task halted before it started", function* () {
    let ran = false;
    const task = yield* spawn(function* () {
      ran = true;
    });
    yield* task.halt();
    expect(ran).toBe(false);
    expect(((yield* outcomeOf(task)) as { error?: unknown }).error).toBeInstanceOf(HaltError);
  });

  it("runs cleanup once when halted twice, and both halts resolve", function* () {
    let cleanups = 0;
    const task = yield* startedTask(function* (ready) {
      try {
        ready();
        yield* suspend();
      } finally {
        yield* sleep(1);
        cleanups++;
      }
    });
    const first = task.halt();
    const second = task.halt();
    yield* first;
    yield* second;
    yield* task.halt();
    expect(cleanups).toBe(1);
  });

  it("can halt itself from inside its body, running its finally blocks", function* () {
    const log: string[] = [];
    const self = withResolvers<Task<unknown>>();
    const task = yield* spawn(function* () {
      const me = yield* self.operation;
      try {
        me.halt();
        log.push("after halt()");
        yield* suspend();
        log.push("unreachable");
      } finally {
        log.push("finally");
      }
    });
    self.resolve(task);
    const outcome = (yield* outcomeOf(task)) as { error?: unknown };
    expect(outcome.error).toBeInstanceOf(HaltError);
    expect(log).toEqual(["after halt()", "finally"]);
  });

  it("rejects halt() with an error thrown by its cleanup", function* () {
    const task = yield* startedTask(function* (ready) {
      try {
        ready();
        yield* suspend();
      } finally {
        yield* sleep(1);
        // biome-ignore lint/correctness/noUnsafeFinally: the test needs a failing cleanup
        throw new Error("cleanup failed");
      }
    });
    const outcome = (yield* outcomeOf(task.halt())) as { error?: Error };
    expect(outcome.error?.message).toBe("cleanup failed");
    const joined = (yield* outcomeOf(task)) as { error?: Error };
    expect(joined.error?.message).toBe("cleanup failed");
  });

  it("rejects halt() with an error thrown by an ensure callback", function* () {
    const task = yield* startedTask(function* (ready) {
      yield* ensure(() => {
        throw new Error("ensure failed");
      });
      ready();
      yield* suspend();
    });
    const outcome = (yield* outcomeOf(task.halt())) as { error?: Error };
    expect(outcome.error?.message).toBe("ensure failed");
  });

  it("fails with an error a child's cleanup throws while the task ends", function* () {
    const outcome = (yield* outcomeOf(
      scoped(function* () {
        const task = yield* startedTask(function* (ready) {
          const childStarted = withResolvers<void>();
          yield* spawn(function* () {
            try {
              childStarted.resolve();
              yield* suspend();
            } finally {
              // biome-ignore lint/correctness/noUnsafeFinally: the test needs a failing cleanup
              throw new Error("child cleanup failed");
            }
          });
          yield* childStarted.operation;
          ready();
          return "done";
        });
        return yield* task;
      }),
    )) as { error?: Error };
    expect(outcome.error?.message).toBe("child cleanup failed");
  });

  it("halts a tree of tasks nested 10,000 deep without overflowing the stack", function* () {
    function* level(n: number, ready: () => void): Operation<void> {
      if (n === 0) ready();
      else yield* spawn(() => level(n - 1, ready));
      yield* suspend();
    }
    let halted = 0;
    const root = yield* startedTask(function* (ready) {
      yield* ensure(() => {
        halted++;
      });
      yield* level(10_000, ready);
    });
    yield* root.halt();
    expect(halted).toBe(1);
  }, 30_000);

  it("throws a TypeError naming the value when an operation yields a non-instruction", function* () {
    const outcome = (yield* outcomeOf(
      call(function* (): Operation<void> {
        yield 5 as any;
      }),
    )) as { error?: Error };
    expect(outcome.error).toBeInstanceOf(TypeError);
    expect(outcome.error?.message).toMatch(/yielded 5.*yield\*/);
  });

  it("throws a TypeError when an operation yields a promise instead of delegating", function* () {
    const outcome = (yield* outcomeOf(
      call(function* (): Operation<void> {
        yield Promise.resolve(1) as never;
      }),
    )) as { error?: Error };
    expect(outcome.error).toBeInstanceOf(TypeError);
    expect(outcome.error?.message).toMatch(/yielded \[object Promise\]/);
  });

  it("runs one million synchronous steps without overflowing the stack", function* () {
    let count = 0;
    for (let i = 0; i < 1_000_000; i++) {
      count += (yield* Counter.get()) ?? 0;
    }
    expect(count).toBe(1_000_000);
  }, 30_000);

  it("lets timers and I/O run while one operation takes a million synchronous steps", function* () {
    const log: string[] = [];
    let i = 0;
    const timer = setTimeout(() => log.push(`timeout fired at step ${i}`), 0);
    const immediate = setImmediate(() => log.push(`immediate fired at step ${i}`));
    yield* ensure(() => {
      clearTimeout(timer);
      clearImmediate(immediate);
    });
    for (; i < 1_000_000; i++) {
      yield* useScope();
    }
    log.push("loop done");
    expect(log).toHaveLength(3);
    expect(log.at(-1)).toBe("loop done");
    for (const entry of log.slice(0, 2)) {
      const step = Number(entry.split(" ").at(-1));
      expect(step).toBeLessThan(1_000_000);
    }
  }, 30_000);
});
