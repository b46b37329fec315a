import { expect } from "vitest";
import { scoped } from "./scoped.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { suspend } from "./suspend.js";
import { describe, it } from "./test/mod.js";
import { NotDisposableError, using } from "./using.js";
import { withResolvers } from "./with-resolvers.js";

function disposable(events: string[], name: string): Disposable {
  return {
    [Symbol.dispose]: () => {
      events.push(`${name} disposed`);
    },
  };
}

/** Its disposal finishes only when `finish` is resolved, from a macrotask. */
function slowDisposable(events: string[], name: string): AsyncDisposable {
  return {
    [Symbol.asyncDispose]: async () => {
      events.push(`${name} disposing`);
      await new Promise((resolve) => setTimeout(resolve, 0));
      events.push(`${name} disposed`);
    },
  };
}

describe("using()", () => {
  it("returns the value and disposes it when the scope returns, most recent first", function* () {
    const events: string[] = [];
    const a = disposable(events, "a");
    const value = yield* scoped(function* () {
      expect(yield* using(a)).toBe(a);
      yield* using(disposable(events, "b"));
      events.push("body done");
      return "value";
    });
    events.push(`returned ${value}`);
    expect(events).toEqual(["body done", "b disposed", "a disposed", "returned value"]);
  });

  it("awaits an async disposal before the scope's result is delivered", function* () {
    const events: string[] = [];
    yield* scoped(function* () {
      yield* using(slowDisposable(events, "connection"));
    });
    events.push("scope returned");
    expect(events).toEqual(["connection disposing", "connection disposed", "scope returned"]);
  });

  it("disposes when the scope fails, and the scope's error is kept", function* () {
    const events: string[] = [];
    let caught: unknown;
    try {
      yield* scoped(function* () {
        yield* using(slowDisposable(events, "connection"));
        throw new Error("body failed");
      });
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).toBe("body failed");
    expect(events).toEqual(["connection disposing", "connection disposed"]);
  });

  it("disposes when the task is halted, before the halt completes", function* () {
    const events: string[] = [];
    const acquired = withResolvers<void>();
    const task = yield* spawn(function* () {
      yield* using(slowDisposable(events, "connection"));
      acquired.resolve();
      yield* suspend();
    });
    yield* acquired.operation;
    yield* task.halt();
    events.push("halted");
    expect(events).toEqual(["connection disposing", "connection disposed", "halted"]);
  });

  it("uses [Symbol.asyncDispose] when a value has both", function* () {
    const events: string[] = [];
    yield* scoped(function* () {
      yield* using({
        [Symbol.dispose]: () => events.push("sync"),
        [Symbol.asyncDispose]: async () => {
          events.push("async");
        },
      });
    });
    expect(events).toEqual(["async"]);
  });

  it("throws a NotDisposableError carrying the value for one that is neither", function* () {
    for (const value of [{}, null, 42, "text"]) {
      let caught: unknown;
      try {
        yield* using(value as unknown as Disposable);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(NotDisposableError);
      expect(caught).toBeInstanceOf(TypeError);
      expect(caught).toMatchObject({ code: "not-disposable", value });
    }
  });

  it("fails the scope with what a disposal throws", function* () {
    let caught: unknown;
    try {
      yield* scoped(function* () {
        yield* using({
          [Symbol.dispose]() {
            throw new Error("dispose failed");
          },
        });
        yield* sleep(0);
      });
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).toBe("dispose failed");
  });
});
