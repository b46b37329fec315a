import { expect } from "vitest";
import { call } from "./call.js";
import { createContext } from "./context.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { suspend } from "./suspend.js";
import { describe, it } from "./test/mod.js";
import { withResolvers } from "./with-resolvers.js";

const Depth = createContext<number>("call-test.depth", 0);

describe("call()", () => {
  it("returns a plain function's value, passing the arguments", function* () {
    expect(yield* call((a: number, b: number) => a + b, 2, 3)).toBe(5);
  });

  it("awaits a promise the function returns", function* () {
    expect(yield* call(async () => "async value")).toBe("async value");
  });

  it("throws a promise's rejection", function* () {
    let message = "";
    try {
      yield* call(async () => {
        throw new Error("rejected");
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe("rejected");
  });

  it("runs an operation the function returns", function* () {
    expect(
      yield* call(function* () {
        yield* sleep(1);
        return "operation value";
      }),
    ).toBe("operation value");
  });

  it("runs the operation in the current scope, seeing its context", function* () {
    yield* Depth.set(3);
    expect(yield* call(() => Depth.expect())).toBe(3);
  });

  it("returns arrays, strings and other iterables as values", function* () {
    expect(yield* call(() => [1, 2])).toEqual([1, 2]);
    expect(yield* call(() => "text")).toBe("text");
  });

  it("throws what the function throws", function* () {
    let message = "";
    try {
      yield* call(() => {
        throw new Error("sync throw");
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe("sync throw");
  });

  it("stops waiting for its promise when the task is halted", function* () {
    const started = withResolvers<void>();
    let after = false;
    const task = yield* spawn(function* () {
      yield* call(() => {
        started.resolve();
        return new Promise<void>(() => {});
      });
      after = true;
    });
    yield* started.operation;
    yield* task.halt();
    expect(after).toBe(false);
  });

  it("halts children spawned by the called operation when the caller's scope ends", function* () {
    const log: string[] = [];
    const parent = yield* spawn(function* () {
      yield* call(function* () {
        const started = withResolvers<void>();
        yield* spawn(function* () {
          try {
            started.resolve();
            yield* suspend();
          } finally {
            log.push("child halted");
          }
        });
        yield* started.operation;
      });
      log.push("call returned");
    });
    yield* parent;
    expect(log).toEqual(["call returned", "child halted"]);
  });
});
