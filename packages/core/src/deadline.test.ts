import { expect } from "vitest";
import { deadline, useDeadline } from "./deadline.js";
import { caught } from "./fixtures/caught.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { suspend } from "./suspend.js";
import { describe, it, useVirtualClock } from "./test/mod.js";
import { TimeoutError, timeout } from "./timeout.js";

function _activeTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
}

describe("useDeadline()", () => {
  it("is Infinity outside any deadline", function* () {
    expect(yield* useDeadline()).toBe(Infinity);
  });

  it("sees the remaining budget inside a timeout", function* () {
    yield* useVirtualClock({ autojump: true, start: 0 });
    const left = yield* timeout(
      1000,
      (function* () {
        yield* sleep(300);
        return yield* useDeadline();
      })(),
    );
    expect(left).toBe(700);
  });

  it("sees the nearest deadline when timeouts nest", function* () {
    yield* useVirtualClock({ autojump: true, start: 0 });
    const outerNearer = yield* timeout(1000, timeout(60_000, useDeadline()));
    expect(outerNearer).toBe(1000);
    const innerNearer = yield* timeout(60_000, timeout(500, useDeadline()));
    expect(innerNearer).toBe(500);
  });

  it("is seen by tasks the operation spawns", function* () {
    yield* useVirtualClock({ autojump: true, start: 0 });
    const left = yield* timeout(
      1000,
      (function* () {
        const child = yield* spawn(() => useDeadline());
        return yield* child;
      })(),
    );
    expect(left).toBe(1000);
  });

  it("is Infinity again once the timeout has returned", function* () {
    yield* timeout(1000, sleep(0));
    expect(yield* useDeadline()).toBe(Infinity);
  });
});

describe("deadline()", () => {
  it("bounds the operation by an absolute time", function* () {
    const clock = yield* useVirtualClock({ autojump: true, start: Date.UTC(2030, 0, 1) });
    const at = clock.now() + 30_000;
    const error = yield* caught(deadline(at, suspend()));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).ms).toBe(30_000);
    expect(clock.now()).toBe(at);
  });

  it("exposes the absolute deadline through useDeadline()", function* () {
    const clock = yield* useVirtualClock({ autojump: true, start: Date.UTC(2030, 0, 1) });
    const left = yield* deadline(clock.now() + 800, useDeadline());
    expect(left).toBe(800);
  });

  it("does not start an operation whose deadline has passed", function* () {
    const clock = yield* useVirtualClock({ autojump: true, start: Date.UTC(2030, 0, 1) });
    let started = false;
    const error = yield* caught(
      deadline(
        clock.now() - 1,
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
