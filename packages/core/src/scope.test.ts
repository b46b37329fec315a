import { expect } from "vitest";
import { createContext } from "./context.js";
import { ensure } from "./ensure.js";
import { HaltError } from "./errors.js";
import { ScopeClosedError } from "./mod.js";
import { createScope, useScope } from "./scope.js";
import { scoped } from "./scoped.js";
import { sleep } from "./sleep.js";
import { suspend } from "./suspend.js";
import { describe, it } from "./test/mod.js";
import type { Scope } from "./types.js";
import { until } from "./until.js";
import { withResolvers } from "./with-resolvers.js";

const Tag = createContext<string>("scope-test.tag");

describe("createScope()", () => {
  it("runs tasks that destroy() halts, most recent first, resolving after their cleanup", function* () {
    const log: string[] = [];
    const [scope, destroy] = createScope();
    for (const name of ["a", "b"]) {
      const started = withResolvers<void>();
      scope.run(function* () {
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
    yield* destroy();
    log.push("destroyed");
    expect(log).toEqual(["b cleaned up", "a cleaned up", "destroyed"]);
  });

  it("can be awaited from async code", function* () {
    const scope = createScope();
    const started = withResolvers<void>();
    let cleaned = false;
    scope.run(function* () {
      try {
        started.resolve();
        yield* suspend();
      } finally {
        yield* sleep(1);
        cleaned = true;
      }
    });
    yield* started.operation;
    const destroyed = scope.destroy().then(() => cleaned);
    expect(yield* until(destroyed)).toBe(true);
  });

  it("rejects destroy() with an error thrown by a task's cleanup", function* () {
    const scope = createScope();
    const started = withResolvers<void>();
    scope.run(function* () {
      try {
        started.resolve();
        yield* suspend();
      } finally {
        // biome-ignore lint/correctness/noUnsafeFinally: the test needs a failing cleanup
        throw new Error("cleanup failed");
      }
    });
    yield* started.operation;
    let message = "";
    try {
      yield* scope.destroy();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe("cleanup failed");
  });

  it("refuses new tasks once destroyed with a ScopeClosedError", function* () {
    const scope = createScope();
    yield* scope.destroy();
    let error: unknown;
    try {
      scope.run(function* () {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScopeClosedError);
    expect((error as ScopeClosedError).code).toBe("scope-closed");
  });

  it("is destroyed with its parent scope", function* () {
    const log: string[] = [];
    yield* scoped(function* () {
      const parent = yield* useScope();
      const child = createScope(parent);
      const started = withResolvers<void>();
      child.run(function* () {
        try {
          started.resolve();
          yield* suspend();
        } finally {
          log.push("child scope task halted");
        }
      });
      yield* started.operation;
    });
    expect(log).toEqual(["child scope task halted"]);
  });

  it("supports await using", function* () {
    let halted = false;
    const started = withResolvers<void>();
    yield* until(
      (async () => {
        await using scope = createScope();
        scope.run(function* () {
          try {
            started.resolve();
            yield* suspend();
          } finally {
            halted = true;
          }
        });
        await scope.run(() => started.operation);
      })(),
    );
    expect(halted).toBe(true);
  });
});

describe("useScope()", () => {
  it("starts tasks from a plain callback that end with the scope", function* () {
    const log: string[] = [];
    yield* scoped(function* () {
      const scope = yield* useScope();
      yield* Tag.set("from scope");
      const ran = withResolvers<string>();
      const timer = setTimeout(() => {
        scope.run(function* () {
          ran.resolve(yield* Tag.expect());
          try {
            yield* suspend();
          } finally {
            log.push("callback task halted");
          }
        });
      }, 0);
      yield* ensure(() => clearTimeout(timer));
      log.push(`ran with ${yield* ran.operation}`);
    });
    expect(log).toEqual(["ran with from scope", "callback task halted"]);
  });

  it("throws a ScopeClosedError when a task is started in a scope that has ended", function* () {
    let captured: Scope | undefined;
    yield* scoped(function* () {
      captured = yield* useScope();
    });
    expect(() => captured!.run(function* () {})).toThrow(ScopeClosedError);
  });

  it("halts a task run in a scope that ends while it is running", function* () {
    const started = withResolvers<void>();
    let task: ReturnType<Scope["run"]> | undefined;
    yield* scoped(function* () {
      const scope = yield* useScope();
      task = scope.run(function* () {
        started.resolve();
        yield* suspend();
      });
      yield* started.operation;
    });
    let error: unknown;
    try {
      yield* task!;
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HaltError);
  });

  it("spawns into a scope with scope.spawn()", function* () {
    const scope = yield* useScope();
    const task = yield* scope.spawn(function* () {
      return "spawned";
    });
    expect(yield* task).toBe("spawned");
  });
});
