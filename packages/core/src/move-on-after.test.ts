import { expect } from "vitest";
import { caught } from "./fixtures/caught.js";
import { moveOnAfter } from "./move-on-after.js";
import { sleep } from "./sleep.js";
import { suspend } from "./suspend.js";
import { describe, it, useVirtualClock } from "./test/mod.js";
import { type TimeoutError, timeout } from "./timeout.js";

function _activeTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
}

describe("moveOnAfter()", () => {
  it("returns the value when the operation finishes in time", function* () {
    expect(yield* moveOnAfter(10_000, sleep(0))).toEqual({ timedOut: false, value: undefined });
  });

  it("returns timedOut after halting the operation and running its cleanup", function* () {
    const clock = yield* useVirtualClock({ autojump: true, start: 0 });
    let cleaned = false;
    const result = yield* moveOnAfter(
      30_000,
      (function* () {
        try {
          yield* suspend();
        } finally {
          cleaned = true;
        }
      })(),
    );
    expect(result).toEqual({ timedOut: true });
    expect(cleaned).toBe(true);
    expect(clock.now()).toBe(30_000);
  });

  it("still times out inside the cleanup of an operation its enclosing timeout halted", function* () {
    const clock = yield* useVirtualClock({ autojump: true, start: 0 });
    let cleanup: { timedOut: boolean } | undefined;
    const error = yield* caught(
      timeout(
        30_000,
        (function* () {
          try {
            yield* suspend();
          } finally {
            cleanup = yield* moveOnAfter(5_000, suspend());
          }
        })(),
      ),
    );
    expect((error as TimeoutError).ms).toBe(30_000);
    expect(cleanup).toEqual({ timedOut: true });
    expect(clock.now()).toBe(35_000);
  });

  it("does not swallow an enclosing timeout that fires first", function* () {
    yield* useVirtualClock({ autojump: true, start: 0 });
    const error = yield* caught(timeout(30_000, moveOnAfter(60_000, suspend())));
    expect((error as TimeoutError).ms).toBe(30_000);
  });

  it("does not swallow a TimeoutError of an inner timeout", function* () {
    yield* useVirtualClock({ autojump: true, start: 0 });
    const error = yield* caught(moveOnAfter(60_000, timeout(30_000, suspend())));
    expect((error as TimeoutError).ms).toBe(30_000);
  });

  it("throws a TypeError for a negative limit", function* () {
    expect(() => moveOnAfter(-5, suspend())).toThrow(/moveOnAfter\(ms\).*-5/);
  });
});
