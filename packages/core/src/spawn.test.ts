import { expect } from "vitest";
import { HaltError } from "./errors.js";
import { run } from "./run.js";
import { scoped } from "./scoped.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { suspend } from "./suspend.js";
import { describe, it } from "./test/mod.js";
import type { Operation, Task } from "./types.js";
import { until } from "./until.js";
import { withResolvers } from "./with-resolvers.js";

function* failAfter(ready: () => void, message: string): Operation<never> {
  ready();
  yield* sleep(1);
  throw new Error(message);
}

describe("spawn()", () => {
  it("returns the child's value when joined", function* () {
    const task = yield* spawn(function* () {
      yield* sleep(1);
      return "value";
    });
    expect(yield* task).toBe("value");
  });

  it("starts the child only once the parent waits", function* () {
    const log: string[] = [];
    const ran = withResolvers<void>();
    yield* spawn(function* () {
      log.push("child");
      ran.resolve();
    });
    log.push("parent before waiting");
    yield* ran.operation;
    expect(log).toEqual(["parent before waiting", "child"]);
  });

  it("halts children most recent first, their cleanup done before the parent's result is delivered", function* () {
    const log: string[] = [];
    const parent = yield* spawn(function* () {
      for (const name of ["a", "b", "c"]) {
        const started = withResolvers<void>();
        yield* spawn(function* () {
          try {
            started.resolve();
            yield* suspend();
          } finally {
            yield* sleep(1);
            log.push(`${name} cleaned up`);
          }
        });
        yield* started.operation;
      }
      return "parent value";
    });
    log.push(`joined ${yield* parent}`);
    expect(log).toEqual(["c cleaned up", "b cleaned up", "a cleaned up", "joined parent value"]);
  });

  it("halts children when the parent throws, then delivers the parent's error", function* () {
    const log: string[] = [];
    const caught = yield* catchError(
      scoped(function* () {
        const parent = yield* spawn(function* () {
          const started = withResolvers<void>();
          yield* spawn(function* () {
            try {
              started.resolve();
              yield* suspend();
            } finally {
              yield* sleep(1);
              log.push("child cleaned up");
            }
          });
          yield* started.operation;
          throw new Error("parent failed");
        });
        yield* parent;
      }),
    );
    log.push(caught?.message ?? "no error");
    expect(log).toEqual(["child cleaned up", "parent failed"]);
  });

  it("fails the parent and halts its siblings when a child fails", function* () {
    const log: string[] = [];
    const caught = yield* catchError(
      scoped(function* () {
        const started = withResolvers<void>();
        yield* spawn(function* () {
          try {
            yield* suspend();
          } finally {
            log.push("sibling halted");
          }
        });
        yield* spawn(() => failAfter(started.resolve, "child failed"));
        yield* started.operation;
        try {
          yield* suspend();
        } finally {
          log.push("parent unwound");
        }
      }),
    );
    expect(caught?.message).toBe("child failed");
    expect(log).toEqual(["parent unwound", "sibling halted"]);
  });

  it("delivers a child's failure to the caller of run()", function* () {
    const outcome = yield* until(
      run(function* () {
        yield* spawn(() => failAfter(() => {}, "deep failure"));
        yield* suspend();
      }).then(
        () => "resolved",
        (error: Error) => error.message,
      ),
    );
    expect(outcome).toBe("deep failure");
  });

  it("throws a HaltError when joining a halted child", function* () {
    const child = yield* spawn(function* () {
      yield* suspend();
    });
    yield* child.halt();
    const caught = yield* catchError(child);
    expect(caught).toBeInstanceOf(HaltError);
    expect((caught as HaltError).code).toBe("halted");
  });

  it("runs the child's finally blocks when the parent scope ends", function* () {
    const log: string[] = [];
    yield* scoped(function* () {
      const started = withResolvers<void>();
      yield* spawn(function* () {
        try {
          started.resolve();
          yield* suspend();
        } finally {
          log.push("child finally");
        }
      });
      yield* started.operation;
    });
    expect(log).toEqual(["child finally"]);
  });
  it("lets a child halt its own parent, ending both after their cleanup", function* () {
    const log: string[] = [];
    const self = withResolvers<Task<void>>();
    const parent = yield* spawn(function* () {
      const me = yield* self.operation;
      yield* spawn(function* () {
        try {
          yield* me.halt();
          log.push("unreachable");
        } finally {
          log.push("child finally");
        }
      });
      try {
        yield* suspend();
      } finally {
        log.push("parent finally");
      }
    });
    self.resolve(parent);
    const caught = yield* catchError(parent);
    expect(caught).toBeInstanceOf(HaltError);
    expect(log).toEqual(["parent finally", "child finally"]);
  });

  it("task.halt used unbound halts its own task, not the one that calls it", function* () {
    const target = yield* spawn(() => suspend());
    const halter = yield* spawn(target.halt);
    yield* halter;
    let outcome: unknown;
    try {
      yield* target;
    } catch (error) {
      outcome = error;
    }
    expect(outcome).toBeInstanceOf(HaltError);
  });

  it("refuses something other than a function at once, saying to pass one", function* () {
    const notFunctions: unknown[] = [undefined, 5, { *[Symbol.iterator]() {} }];
    for (const value of notFunctions) {
      expect(() => spawn(value as () => Operation<void>)).toThrow(/spawn\(\) takes a function/);
    }
  });
});

function* catchError(operation: Operation<unknown>): Operation<Error | undefined> {
  try {
    yield* operation;
    return undefined;
  } catch (error) {
    return error as Error;
  }
}
