import { expect } from "vitest";
import { createBackoff } from "./backoff.js";
import { describe, it } from "./test/mod.js";

describe("createBackoff()", () => {
  it("grows by the factor and stops at the maximum", function* () {
    const delay = createBackoff({ initial: 10, factor: 3, max: 200, jitter: "none" });
    expect([1, 2, 3, 4, 5].map(delay)).toEqual([10, 30, 90, 200, 200]);
  });

  it("draws a full-jitter wait between zero and the computed one", function* () {
    const draws = [0, 0.5, 0.999];
    const delay = createBackoff({ initial: 100, factor: 2, random: () => draws.shift()! });
    expect([delay(1), delay(2), delay(3)]).toEqual([0, 100, 399.6]);
  });

  it("uses 100ms doubling up to 10s by default", function* () {
    const delay = createBackoff({ jitter: "none" });
    expect([delay(1), delay(2), delay(20)]).toEqual([100, 200, 10_000]);
  });

  it("throws a TypeError naming the bad option and its value", function* () {
    expect(() => createBackoff({ initial: -1 })).toThrow(/backoff\.initial.*-1/);
    expect(() => createBackoff({ max: Number.NaN })).toThrow(/backoff\.max.*NaN/);
    expect(() => createBackoff({ factor: 0.5 })).toThrow(/backoff\.factor.*0\.5/);
    expect(() => createBackoff({ jitter: "some" as "full" })).toThrow(/backoff\.jitter.*some/);
    expect(() => createBackoff()(0)).toThrow(/attempt.*0/);
  });
});
