import { describe, expect, it } from "vitest";
import { Err, Ok, ThrownValueError, unbox } from "./result.js";

describe("Err()", () => {
  it("keeps an Error as it is", () => {
    const error = new RangeError("too big");
    expect(Err(error)).toEqual({ ok: false, error });
  });

  it("wraps a value that is not an Error in a ThrownValueError with the value as cause", () => {
    const cause = { reason: "plain object" };
    const result = Err(cause);
    expect(result.ok).toBe(false);
    const error = (result as { error: Error }).error;
    expect(error).toBeInstanceOf(ThrownValueError);
    expect(error).toMatchObject({
      name: "ThrownValueError",
      code: "thrown-value",
      message: "[object Object]",
      cause,
    });
  });

  it("describes a value without a prototype instead of failing", () => {
    const bare = Object.create(null) as object;
    const error = (Err(bare) as { error: Error }).error;
    expect(error.message).toBe("[object Object]");
    expect(error.cause).toBe(bare);
  });
});

describe("unbox()", () => {
  it("returns the value of an Ok", () => {
    expect(unbox(Ok(3))).toBe(3);
  });

  it("throws the value a ThrownValueError wraps, so what was thrown is thrown again", () => {
    let thrown: unknown;
    try {
      unbox(Err("plain"));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBe("plain");
  });
});
