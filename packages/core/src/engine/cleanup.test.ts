import { expect } from "vitest";
import { all } from "../all.js";
import { race } from "../race.js";
import { scoped } from "../scoped.js";
import { sleep } from "../sleep.js";
import { spawn } from "../spawn.js";
import { suspend } from "../suspend.js";
import { describe, it, useVirtualClock } from "../test/mod.js";
import type { Operation, Task } from "../types.js";
import { withResolvers } from "../with-resolvers.js";
import { canFollowFrames } from "./frames.js";

function* startedTask(body: (ready: () => void) => Operation<unknown>): Operation<Task<unknown>> {
  const started = withResolvers<void>();
  const task = yield* spawn(() => body(() => started.resolve()));
  yield* started.operation;
  return task;
}

function* valueAfter<T>(ms: number, value: T): Operation<T> {
  yield* sleep(ms);
  return value;
}

function* failAfterSleep(message: string): Operation<never> {
  yield* sleep(1);
  throw new Error(message);
}

function* outcomeOf(operation: Operation<unknown>): Operation<{ value?: unknown; error?: Error }> {
  try {
    return { value: yield* operation };
  } catch (error) {
    return { error: error as Error };
  }
}

describe("cleanup during a halt", () => {
  it("can use scoped(), all() and race() in a finally block", function* () {
    const log: string[] = [];
    const task = yield* startedTask(function* (ready) {
      try {
        ready();
        yield* suspend();
      } finally {
        log.push(
          yield* scoped(function* () {
            const helper = yield* spawn(() => valueAfter(1, "scoped"));
            return yield* helper;
          }),
        );
        log.push((yield* all([valueAfter(2, "all a"), valueAfter(1, "all b")])).join(","));
        log.push(yield* race([valueAfter(50, "slow"), valueAfter(1, "race")]));
      }
    });
    yield* task.halt();
    expect(log).toEqual(["scoped", "all a,all b", "race"]);
  });

  it("is not interrupted by a second halt from the parent scope ending", function* () {
    const log: string[] = [];
    const cleaning = withResolvers<void>();
    yield* scoped(function* () {
      const task = yield* startedTask(function* (ready) {
        try {
          ready();
          yield* suspend();
        } finally {
          cleaning.resolve();
          yield* sleep(5);
          log.push("cleanup finished");
        }
      });
      yield* spawn(() => task.halt());
      yield* cleaning.operation;
    });
    log.push("scope ended");
    expect(log).toEqual(["cleanup finished", "scope ended"]);
  });

  it("fails the halt with the error of a child spawned during cleanup", function* () {
    // Virtual time: the helper's 1 ms always ends before the cleanup's 20 ms.
    yield* useVirtualClock({ autojump: true });
    const log: string[] = [];
    const task = yield* startedTask(function* (ready) {
      try {
        ready();
        yield* suspend();
      } finally {
        yield* spawn(function* () {
          yield* sleep(1);
          throw new Error("helper failed");
        });
        yield* sleep(20);
        log.push("cleanup finished");
      }
    });
    const outcome = yield* outcomeOf(task.halt());
    expect(outcome.error?.message).toBe("helper failed");
    expect(log).toEqual(["cleanup finished"]);
  });

  it("a finally in a task's own body runs to its end when a child fails during it", function* () {
    const log: string[] = [];
    const cleaning = withResolvers<void>();
    const task = yield* startedTask(function* (ready) {
      yield* spawn(function* () {
        yield* cleaning.operation;
        throw new Error("child failed");
      });
      try {
        ready();
        yield* suspend();
      } finally {
        cleaning.resolve();
        yield* sleep(5);
        log.push("cleanup finished");
      }
    });
    const outcome = yield* outcomeOf(task.halt());
    expect(outcome.error?.message).toBe("child failed");
    expect(log).toEqual(["cleanup finished"]);
  });

  it("lets cleanup catch an error thrown by an operation it runs", function* () {
    const log: string[] = [];
    const task = yield* startedTask(function* (ready) {
      try {
        ready();
        yield* suspend();
      } finally {
        try {
          yield* failAfterSleep("inner");
        } catch (error) {
          log.push(`caught ${(error as Error).message}`);
        }
        yield* sleep(1);
        log.push("cleanup finished");
      }
    });
    yield* task.halt();
    expect(log).toEqual(["caught inner", "cleanup finished"]);
  });

  it("keeps running the cleanup of a task whose parent fails meanwhile", function* () {
    const log: string[] = [];
    const outcome = yield* outcomeOf(
      scoped(function* () {
        const cleaning = withResolvers<void>();
        const task = yield* startedTask(function* (ready) {
          try {
            ready();
            yield* suspend();
          } finally {
            cleaning.resolve();
            yield* sleep(5);
            log.push("cleanup finished");
          }
        });
        yield* spawn(() => task.halt());
        yield* cleaning.operation;
        throw new Error("parent failed");
      }),
    );
    expect(outcome.error?.message).toBe("parent failed");
    expect(log).toEqual(["cleanup finished"]);
  });

  it("all() in a halt's cleanup throws its child's failure there instead of hanging the halt", function* () {
    const log: string[] = [];
    const task = yield* startedTask(function* (ready) {
      try {
        ready();
        yield* suspend();
      } finally {
        try {
          yield* all([failAfterSleep("inner")]);
        } catch (error) {
          log.push(`caught ${(error as Error).message}`);
        }
        yield* sleep(1);
        log.push("cleanup finished");
      }
    });
    yield* task.halt();
    expect(log).toEqual(["caught inner", "cleanup finished"]);
  });

  it("scoped() one yield* deep in a halt's cleanup throws its child's failure there instead of hanging the halt", function* () {
    const log: string[] = [];
    function* cleanup(): Operation<void> {
      try {
        yield* scoped(function* () {
          yield* spawn(() => failAfterSleep("inner"));
          yield* suspend();
        });
      } catch (error) {
        log.push(`caught ${(error as Error).message}`);
      }
      yield* sleep(1);
      log.push("helper finished");
    }
    function* waits(ready: () => void): Operation<void> {
      try {
        ready();
        yield* suspend();
      } finally {
        yield* cleanup();
        log.push("cleanup finished");
      }
    }
    const task = yield* startedTask(function* (ready) {
      yield* waits(ready);
      log.push("resumed after the halt");
    });
    yield* task.halt();
    // Where the generator prototype is frozen the frames are hidden, and the frame above the
    // cleanup carries on as effection's does (docs/differences.md).
    const leak = canFollowFrames() ? [] : ["resumed after the halt"];
    expect(log).toEqual(["caught inner", "helper finished", "cleanup finished", ...leak]);
  });
});
