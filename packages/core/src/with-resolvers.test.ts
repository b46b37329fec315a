import { expect } from "vitest";
import { run } from "./run.js";
import { spawn } from "./spawn.js";
import { describe, it } from "./test/mod.js";
import { withResolvers } from "./with-resolvers.js";

describe("withResolvers()", () => {
  it("returns the value it is resolved with to every waiting task", function* () {
    const { operation, resolve } = withResolvers<string>();
    const a = yield* spawn(() => operation);
    const b = yield* spawn(() => operation);
    yield* spawn(function* () {
      resolve("go");
    });
    expect([yield* a, yield* b]).toEqual(["go", "go"]);
  });

  it("throws the error it is rejected with", function* () {
    const { operation, reject } = withResolvers<string>();
    reject(new Error("nope"));
    let message = "";
    try {
      yield* operation;
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe("nope");
  });

  it("keeps the first outcome", function* () {
    const { operation, resolve, reject } = withResolvers<number>();
    resolve(1);
    resolve(2);
    reject(new Error("late"));
    expect(yield* operation).toBe(1);
    expect(yield* operation).toBe(1);
  });

  it("can be resolved from a plain callback", function* () {
    const { operation, resolve } = withResolvers<number>();
    const task = run(() => operation);
    const timer = setTimeout(() => resolve(7), 0);
    try {
      expect(yield* task).toBe(7);
    } finally {
      clearTimeout(timer);
    }
  });
});
