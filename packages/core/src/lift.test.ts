import { expect } from "vitest";
import { lift } from "./lift.js";
import { describe, it } from "./test/mod.js";

describe("lift()", () => {
  it("calls the function only when the operation is evaluated", function* () {
    const calls: number[] = [];
    const record = lift((n: number) => {
      calls.push(n);
      return n * 2;
    });
    const operation = record(4);
    expect(calls).toEqual([]);
    expect(yield* operation).toBe(8);
    expect(yield* operation).toBe(8);
    expect(calls).toEqual([4, 4]);
  });

  it("throws what the function throws", function* () {
    const fail = lift(() => {
      throw new Error("lifted failure");
    });
    let message = "";
    try {
      yield* fail();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe("lifted failure");
  });
});
