import { expect } from "vitest";
import { deadline, useDeadline } from "./deadline.js";
import { caught } from "./fixtures/caught.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { suspend } from "./suspend.js";
import { describe, it } from "./test/mod.js";
import { TimeoutError, timeout } from "./timeout.js";

function _activeTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
}

describe("useDeadline()", () => {
  it("is Infinity outside any deadline", function* () {
    expect(yield* useDeadline()).toBe(Infinity);
  });

  it("sees the remaining budget inside a timeout", function* () {
    const left = yield* timeout(1000, useDeadline());
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(1000);
  });

  it("sees the nearest deadline when timeouts nest", function* () {
    const outerNearer = yield* timeout(1000, timeout(60_000, useDeadline()));
    expect(outerNearer).toBeLessThanOrEqual(1000);
    const innerNearer = yield* timeout(60_000, timeout(500, useDeadline()));
    expect(innerNearer).toBeLessThanOrEqual(500);
  });

  it("is seen by tasks the operation spawns", function* () {
    const left = yield* timeout(
      1000,
      (function* () {
        const child = yield* spawn(() => useDeadline());
        return yield* child;
      })(),
    );
    expect(left).toBeLessThanOrEqual(1000);
  });

  it("is Infinity again once the timeout has returned", function* () {
    yield* timeout(1000, sleep(0));
    expect(yield* useDeadline()).toBe(Infinity);
  });
});

describe("deadline()", () => {
  it("bounds the operation by an absolute time", function* () {
    const at = Date.now() + 5;
    const error = yield* caught(deadline(at, suspend()));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).ms).toBeLessThanOrEqual(5);
  });

  it("exposes the absolute deadline through useDeadline()", function* () {
    const left = yield* deadline(Date.now() + 800, useDeadline());
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(800);
  });

  it("does not start an operation whose deadline has passed", function* () {
    let started = false;
    const error = yield* caught(
      deadline(
        Date.now() - 1,
        (function* () {
          started = true;
        })(),
      ),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(started).toBe(false);
  });

  it("throws a TypeError for NaN", function* () {
    expect(() => deadline(Number.NaN, suspend())).toThrow(/deadline\(atEpochMs\).*NaN/);
  });
});
