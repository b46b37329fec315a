import { expect } from "vitest";
import { action } from "./action.js";
import { spawn } from "./spawn.js";
import { describe, it } from "./test/mod.js";
import { withResolvers } from "./with-resolvers.js";

describe("action()", () => {
  it("returns the resolved value and runs its cleanup", function* () {
    const log: string[] = [];
    const value = yield* action<string>((resolve) => {
      const id = setTimeout(() => resolve("done"), 0);
      return () => {
        clearTimeout(id);
        log.push("cleanup");
      };
    });
    expect(value).toBe("done");
    expect(log).toEqual(["cleanup"]);
  });

  it("resolves synchronously from the executor", function* () {
    const log: string[] = [];
    const value = yield* action<number>((resolve) => {
      resolve(1);
      return () => log.push("cleanup");
    });
    expect(value).toBe(1);
    expect(log).toEqual(["cleanup"]);
  });

  it("throws the rejection after running its cleanup", function* () {
    const log: string[] = [];
    try {
      yield* action<void>((_, reject) => {
        reject(new Error("rejected"));
        return () => log.push("cleanup");
      });
    } catch (error) {
      log.push((error as Error).message);
    }
    expect(log).toEqual(["cleanup", "rejected"]);
  });

  it("runs its cleanup when the waiting task is halted", function* () {
    const log: string[] = [];
    const started = withResolvers<void>();
    const task = yield* spawn(function* () {
      yield* action<void>(() => {
        started.resolve();
        return () => log.push("cleanup");
      });
    });
    yield* started.operation;
    yield* task.halt();
    expect(log).toEqual(["cleanup"]);
  });

  it("ignores a resolution after the first", function* () {
    const value = yield* action<number>((resolve, reject) => {
      resolve(1);
      resolve(2);
      reject(new Error("late"));
      return () => {};
    });
    expect(value).toBe(1);
  });

  it("runs the executor again each time the operation is evaluated", function* () {
    let runs = 0;
    const operation = action<number>((resolve) => {
      resolve(++runs);
      return () => {};
    });
    expect(yield* operation).toBe(1);
    expect(yield* operation).toBe(2);
  });
});
