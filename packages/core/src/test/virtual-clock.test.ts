import { expect } from "vitest";
import { useDeadline } from "../deadline.js";
import { each } from "../each.js";
import { interval } from "../interval.js";
import { moveOnAfter } from "../move-on-after.js";
import { createRateLimiter } from "../rate-limiter.js";
import { retry } from "../retry.js";
import { scoped } from "../scoped.js";
import { sleep } from "../sleep.js";
import { spawn } from "../spawn.js";
import { SupervisorError, supervise } from "../supervise.js";
import { timeout } from "../timeout.js";
import { until } from "../until.js";
import { describe, it } from "./bdd.js";
import { useVirtualClock, VirtualClockError } from "./virtual-clock.js";
import { waitAllTasksBlocked } from "./wait-all-tasks-blocked.js";

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
}

describe("useVirtualClock()", () => {
  it("with autojump, sleeps an hour of virtual time and lands exactly on it", function* () {
    const clock = yield* useVirtualClock({ autojump: true, start: 1_000 });
    yield* sleep(60 * 60_000);
    expect(clock.now()).toBe(1_000 + 60 * 60_000);
  });

  it("times out a 30 s timeout at exactly 30 s of virtual time", function* () {
    const clock = yield* useVirtualClock({ autojump: true, start: 0 });
    let caught: unknown;
    try {
      yield* timeout(30_000, sleep(60_000));
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: "timeout", ms: 30_000 });
    expect(clock.now()).toBe(30_000);
    expect(clock.pendingTimers).toBe(0);
  });

  it("runs retry's backoff schedule on virtual time", function* () {
    const clock = yield* useVirtualClock({ autojump: true, start: 0 });
    const attempts: number[] = [];
    const value = yield* retry(
      function* () {
        attempts.push(clock.now());
        if (attempts.length < 4) throw new Error("not yet");
        return "done";
      },
      { attempts: 4, backoff: { initial: 1_000, factor: 10, max: 3_600_000, jitter: "none" } },
    );
    expect(value).toBe("done");
    expect(attempts).toEqual([0, 1_000, 11_000, 111_000]);
  });

  it("moves time by hand with advance(), waking each timer at its own time", function* () {
    const clock = yield* useVirtualClock({ start: 0 });
    const woke: [string, number][] = [];
    yield* spawn(function* () {
      yield* sleep(100);
      woke.push(["a", clock.now()]);
      yield* sleep(100); // set at 100, due at 200: inside the same advance
      woke.push(["a2", clock.now()]);
    });
    yield* spawn(function* () {
      yield* sleep(250);
      woke.push(["b", clock.now()]);
    });
    yield* waitAllTasksBlocked();
    expect(clock.pendingTimers).toBe(2);
    yield* clock.advance(220);
    expect(woke).toEqual([
      ["a", 100],
      ["a2", 200],
    ]);
    expect(clock.now()).toBe(220);
    yield* clock.advance(30);
    expect(woke).toEqual([
      ["a", 100],
      ["a2", 200],
      ["b", 250],
    ]);
  });

  it("does not move time without autojump while tasks sleep", function* () {
    const clock = yield* useVirtualClock({ start: 0 });
    const result = yield* scoped(function* () {
      const sleeper = yield* spawn(function* () {
        yield* sleep(10);
        return "woke";
      });
      yield* waitAllTasksBlocked();
      yield* waitAllTasksBlocked();
      expect(clock.now()).toBe(0);
      expect(clock.pendingTimers).toBe(1);
      yield* clock.advance(10);
      return yield* sleeper;
    });
    expect(result).toBe("woke");
  });

  it("ticks interval() on virtual time", function* () {
    const clock = yield* useVirtualClock({ autojump: true, start: 0 });
    const ticks: number[] = [];
    yield* scoped(function* () {
      for (const _ of yield* each(interval(250))) {
        ticks.push(clock.now());
        if (ticks.length === 4) break;
        yield* each.next();
      }
    });
    expect(ticks).toEqual([250, 500, 750, 1_000]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("spaces rate-limited acquisitions on virtual time", function* () {
    const clock = yield* useVirtualClock({ autojump: true, start: 0 });
    const limiter = createRateLimiter({ rate: 1, per: 60_000, burst: 1 });
    const at: number[] = [];
    for (let i = 0; i < 3; i++) {
      yield* limiter.acquire();
      at.push(clock.now());
    }
    expect(at).toEqual([0, 60_000, 120_000]);
  });

  it("counts supervise()'s restart window on virtual time", function* () {
    const clock = yield* useVirtualClock({ autojump: true, start: 0 });
    const flat = (ms: number) => ({ initial: ms, factor: 1, jitter: "none" as const });
    // 6 s apart, no more than two failures fall in a 10 s window: it keeps restarting.
    let runs = 0;
    const value = yield* supervise(
      function* () {
        if (++runs < 5) throw new Error(`run ${runs}`);
        return runs;
      },
      { maxRestarts: 2, within: 10_000, backoff: flat(6_000) },
    );
    expect(value).toBe(5);
    expect(clock.now()).toBe(24_000);
    // 4 s apart, the third failure is within 10 s of the first: it gives up.
    const start = clock.now();
    let caught: unknown;
    try {
      yield* supervise(
        function* () {
          throw new Error("down");
        },
        { maxRestarts: 2, within: 10_000, backoff: flat(4_000) },
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SupervisorError);
    expect(clock.now() - start).toBe(8_000);
  });

  it("shows the virtual time left in useDeadline() and moveOnAfter()", function* () {
    const clock = yield* useVirtualClock({ autojump: true, start: 0 });
    const left = yield* moveOnAfter(
      5_000,
      (function* () {
        yield* sleep(2_000);
        return yield* useDeadline();
      })(),
    );
    expect(left).toEqual({ timedOut: false, value: 3_000 });
    expect(yield* moveOnAfter(5_000, sleep(10_000))).toEqual({ timedOut: true });
    expect(clock.now()).toBe(7_000);
  });

  it("sets no real timers and leaves none behind", function* () {
    const before = activeTimers();
    yield* scoped(function* () {
      const clock = yield* useVirtualClock({ start: 0 });
      yield* spawn(() => sleep(1_000_000));
      yield* spawn(() => timeout(5_000, sleep(1_000_000)));
      // A microtask, not a turn of the event loop: the children run to their timers, and no
      // real timer of another test can expire in between and skew the count.
      yield* until(Promise.resolve());
      expect(activeTimers()).toBe(before);
      // the first sleep, and the timeout's timer with the sleep inside it
      expect(clock.pendingTimers).toBe(3);
    });
    expect(activeTimers()).toBe(before);
  });

  it("leaves tasks outside its scope on real time", function* () {
    const clock = yield* scoped(function* () {
      return yield* useVirtualClock({ start: 0 });
    });
    const sleeper = yield* spawn(() => sleep(1));
    yield* sleeper;
    expect(clock.pendingTimers).toBe(0);
  });

  it("rejects a negative advance with a VirtualClockError", function* () {
    const clock = yield* useVirtualClock();
    let caught: unknown;
    try {
      yield* clock.advance(-5);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(VirtualClockError);
    expect(caught).toMatchObject({ code: "virtual-clock", value: -5 });
    expect(() => useVirtualClock({ start: Number.NaN })).toThrow(VirtualClockError);
  });
});
