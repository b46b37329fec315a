import { expect } from "vitest";
import { useDeadline } from "./deadline.js";
import { shield } from "./shield.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { suspend } from "./suspend.js";
import { describe, it, useVirtualClock } from "./test/mod.js";
import { TimeoutError, timeout } from "./timeout.js";
import type { Operation } from "./types.js";
import { withResolvers } from "./with-resolvers.js";

function* caught(operation: Operation<unknown>): Generator<any, unknown> {
  try {
    yield* operation;
  } catch (error) {
    return error;
  }
  throw new Error("expected the operation to throw");
}

describe("shield()", () => {
  it("returns the operation's value", function* () {
    const value = yield* shield(
      (function* () {
        yield* sleep(0);
        return 7;
      })(),
    );
    expect(value).toBe(7);
  });

  it("throws the operation's error where it can be caught", function* () {
    const boom = new Error("boom");
    const error = yield* caught(
      shield(
        (function* () {
          yield* spawn(function* () {
            throw boom;
          });
          yield* suspend();
        })(),
      ),
    );
    expect(error).toBe(boom);
  });

  it("finishes the operation despite a halt, which takes effect after it", function* () {
    const events: string[] = [];
    const started = withResolvers<void>();
    const gate = withResolvers<void>();
    const task = yield* spawn(function* () {
      try {
        yield* shield(
          (function* () {
            started.resolve();
            yield* gate.operation;
            events.push("committed");
          })(),
        );
        events.push("after shield");
      } finally {
        events.push("caller finally");
      }
    });
    yield* started.operation;
    task.halt();
    events.push("halt requested");
    gate.resolve();
    yield* task.halt();
    expect(events).toEqual(["halt requested", "committed", "caller finally"]);
    expect(yield* caught(task)).toMatchObject({ code: "halted" });
  });

  it("lets cleanup that runs during a halt finish its write", function* () {
    const events: string[] = [];
    const ready = withResolvers<void>();
    const task = yield* spawn(function* () {
      try {
        ready.resolve();
        yield* suspend();
      } finally {
        yield* shield(
          (function* () {
            yield* sleep(1);
            events.push("flushed");
          })(),
        );
      }
    });
    yield* ready.operation;
    yield* task.halt();
    expect(events).toEqual(["flushed"]);
  });

  it("holds an enclosing timeout until the operation is done", function* () {
    // On a virtual clock: the timer cannot fire before the child has entered the shield,
    // however loaded the machine is.
    const clock = yield* useVirtualClock({ autojump: true, start: 0 });
    const events: string[] = [];
    const error = yield* caught(
      timeout(
        10,
        shield(
          (function* () {
            yield* sleep(40);
            events.push("done");
          })(),
        ),
      ),
    );
    events.push("timed out");
    expect(error).toBeInstanceOf(TimeoutError);
    expect(events).toEqual(["done", "timed out"]);
    expect(clock.now()).toBe(40);
  });

  it("is outside the caller's deadline", function* () {
    const left = yield* timeout(60_000, shield(useDeadline()));
    expect(left).toBe(Infinity);
    const bounded = yield* timeout(60_000, shield(useDeadline(), { timeout: 90_000 }));
    expect(bounded).toBeGreaterThan(60_000);
  });

  it("halts the operation and throws a TimeoutError when its own timeout runs out", function* () {
    let cleaned = false;
    const error = yield* caught(
      shield(
        (function* () {
          try {
            yield* suspend();
          } finally {
            cleaned = true;
          }
        })(),
        { timeout: 5 },
      ),
    );
    expect(error).toMatchObject({ code: "timeout", ms: 5 });
    expect(cleaned).toBe(true);
  });

  it("throws a TypeError for a negative timeout", function* () {
    expect(() => shield(suspend(), { timeout: -3 })).toThrow(/shield timeout.*-3/);
  });
});
