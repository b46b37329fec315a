import { expect } from "vitest";
import { caught } from "./fixtures/caught.js";
import { moveOnAfter } from "./move-on-after.js";
import { sleep } from "./sleep.js";
import { suspend } from "./suspend.js";
import { describe, it } from "./test/mod.js";
import { type TimeoutError, timeout } from "./timeout.js";

function _activeTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
}

describe("moveOnAfter()", () => {
  it("returns the value when the operation finishes in time", function* () {
    expect(yield* moveOnAfter(10_000, sleep(0))).toEqual({ timedOut: false, value: undefined });
  });

  it("returns timedOut after halting the operation and running its cleanup", function* () {
    let cleaned = false;
    const result = yield* moveOnAfter(
      5,
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
  });

  it("still times out inside the cleanup of an operation its enclosing timeout halted", function* () {
    let cleanup: { timedOut: boolean } | undefined;
    const error = yield* caught(
      timeout(
        5,
        (function* () {
          try {
            yield* suspend();
          } finally {
            cleanup = yield* moveOnAfter(10, suspend());
          }
        })(),
      ),
    );
    expect((error as TimeoutError).ms).toBe(5);
    expect(cleanup).toEqual({ timedOut: true });
  });

  it("does not swallow an enclosing timeout that fires first", function* () {
    const error = yield* caught(timeout(5, moveOnAfter(60_000, suspend())));
    expect((error as TimeoutError).ms).toBe(5);
  });

  it("does not swallow a TimeoutError of an inner timeout", function* () {
    const error = yield* caught(moveOnAfter(60_000, timeout(5, suspend())));
    expect((error as TimeoutError).ms).toBe(5);
  });

  it("throws a TypeError for a negative limit", function* () {
    expect(() => moveOnAfter(-5, suspend())).toThrow(/moveOnAfter\(ms\).*-5/);
  });
});
