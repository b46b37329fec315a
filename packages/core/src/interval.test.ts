import { expect } from "vitest";
import { each } from "./each.js";
import { interval } from "./interval.js";
import { scoped } from "./scoped.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { describe, it, useVirtualClock } from "./test/mod.js";

describe("interval()", () => {
  // Counted on a virtual clock: the process's own timer count also moves with the test
  // runner's timers, which made an exact count fail under load.
  it("ticks repeatedly and clears its timer when the loop's scope ends", function* () {
    const clock = yield* useVirtualClock({ autojump: true });
    const before = clock.pendingTimers;
    const start = clock.now();
    let ticks = 0;
    yield* scoped(function* () {
      for (const _ of yield* each(interval(10))) {
        expect(clock.pendingTimers).toBe(before + 1);
        if (++ticks === 3) break;
        yield* each.next();
      }
    });
    expect(ticks).toBe(3);
    expect(clock.now() - start).toBe(30);
    expect(clock.pendingTimers).toBe(before);
  });

  it("does not tick before a shorter sleep ends when its period is longer than setInterval takes", function* () {
    // setInterval runs a period past 2^31 - 1 ms every 1 ms.
    let ticks = 0;
    const ticker = yield* spawn(function* () {
      for (const _ of yield* each(interval(3_000_000_000))) {
        ticks++;
        yield* each.next();
      }
    });
    yield* sleep(20);
    expect(ticks).toBe(0);
    yield* ticker.halt();
  });
});
