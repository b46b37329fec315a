import { expect } from "vitest";
import { caught } from "./fixtures/caught.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { suspend } from "./suspend.js";
import { describe, it, useVirtualClock } from "./test/mod.js";
import { TimeoutError, timeout } from "./timeout.js";
import { withResolvers } from "./with-resolvers.js";

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
}

describe("timeout()", () => {
  it("returns the value of an operation that finishes in time", function* () {
    const value = yield* timeout(
      10_000,
      (function* () {
        yield* sleep(0);
        return "done";
      })(),
    );
    expect(value).toBe("done");
  });

  it("runs the timed-out operation's finally before the TimeoutError is seen", function* () {
    const clock = yield* useVirtualClock({ autojump: true, start: 0 });
    const events: string[] = [];
    const error = yield* caught(
      timeout(
        30_000,
        (function* () {
          try {
            yield* suspend();
          } finally {
            yield* sleep(1_000);
            events.push("finally");
          }
        })(),
      ),
    );
    events.push("caught");
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: "timeout", ms: 30_000, name: "TimeoutError" });
    expect((error as Error).message).toContain("30000ms");
    expect(events).toEqual(["finally", "caught"]);
    expect(clock.now()).toBe(31_000);
  });

  it("halts the tasks the operation spawned", function* () {
    yield* useVirtualClock({ autojump: true, start: 0 });
    let halted = false;
    yield* caught(
      timeout(
        30_000,
        (function* () {
          yield* spawn(function* () {
            try {
              yield* suspend();
            } finally {
              halted = true;
            }
          });
          yield* suspend();
        })(),
      ),
    );
    expect(halted).toBe(true);
  });

  it("clears its timer when the operation finishes first", function* () {
    const before = activeTimers();
    yield* timeout(60_000, sleep(0));
    expect(activeTimers()).toBe(before);
  });

  it("clears its timer when the caller is halted", function* () {
    const before = activeTimers();
    const started = withResolvers<void>();
    const task = yield* spawn(() =>
      timeout(
        60_000,
        (function* () {
          started.resolve();
          yield* suspend();
        })(),
      ),
    );
    yield* started.operation;
    yield* task.halt();
    expect(activeTimers()).toBe(before);
  });

  it("passes an error of the operation through unchanged", function* () {
    const boom = new Error("boom");
    const error = yield* caught(
      timeout(
        10_000,
        (function* () {
          yield* sleep(0);
          throw boom;
        })(),
      ),
    );
    expect(error).toBe(boom);
  });

  it("passes the failure of a spawned child through", function* () {
    const error = yield* caught(
      timeout(
        10_000,
        (function* () {
          yield* spawn(function* () {
            throw new Error("child failed");
          });
          yield* suspend();
        })(),
      ),
    );
    expect((error as Error).message).toBe("child failed");
  });

  it("lets an inner timeout fire first and be caught outside", function* () {
    yield* useVirtualClock({ autojump: true, start: 0 });
    const error = yield* caught(timeout(60_000, timeout(30_000, suspend())));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).ms).toBe(30_000);
  });

  it("reports the outer limit when it fires before a longer inner one", function* () {
    yield* useVirtualClock({ autojump: true, start: 0 });
    let innerCaught = false;
    const error = yield* caught(
      timeout(
        30_000,
        (function* () {
          try {
            yield* timeout(60_000, suspend());
          } catch {
            innerCaught = true;
          }
        })(),
      ),
    );
    expect((error as TimeoutError).ms).toBe(30_000);
    expect(innerCaught).toBe(false);
  });

  it("throws a TypeError for a negative or NaN limit", function* () {
    expect(() => timeout(-1, suspend())).toThrow(TypeError);
    expect(() => timeout(-1, suspend())).toThrow(/timeout\(ms\).*-1/);
    expect(() => timeout(Number.NaN, suspend())).toThrow(/NaN/);
  });
});
