import { expect } from "vitest";
import { createManualClock, createSkippingClock } from "./fixtures/manual-clock.js";
import { createRateLimiter } from "./rate-limiter.js";
import { spawn } from "./spawn.js";
import { describe, it } from "./test/mod.js";
import type { Task } from "./types.js";
import { withResolvers } from "./with-resolvers.js";

describe("createRateLimiter()", () => {
  it("starts full and hands out the burst without waiting", function* () {
    const clock = createSkippingClock();
    const limiter = createRateLimiter({ rate: 1, per: 1_000, burst: 3, clock, sleep: clock.sleep });
    yield* limiter.acquire();
    yield* limiter.acquire(2);
    expect(clock.now()).toBe(0);
    expect(limiter.tryAcquire()).toBe(false);
  });

  it("keeps the long-run rate within 5% of the configured one", function* () {
    const clock = createSkippingClock();
    const limiter = createRateLimiter({
      rate: 50,
      per: 1_000,
      burst: 5,
      clock,
      sleep: clock.sleep,
    });
    const workers: Task<void>[] = [];
    let granted = 0;
    for (let w = 0; w < 4; w++) {
      workers.push(
        yield* spawn(function* () {
          for (let i = 0; i < 250; i++) {
            const tokens = 1 + ((i + w) % 3);
            yield* limiter.acquire(tokens);
            granted += tokens;
          }
        }),
      );
    }
    for (const worker of workers) yield* worker;
    const observed = ((granted - 5) * 1_000) / clock.now();
    expect(Math.abs(observed - 50) / 50).toBeLessThan(0.05);
  });

  it("serves waiters in arrival order, so a small request does not overtake a large one", function* () {
    const clock = createManualClock();
    const limiter = createRateLimiter({ rate: 1, per: 1_000, burst: 2, clock, sleep: clock.sleep });
    yield* limiter.acquire(2);
    const order: string[] = [];
    const queued = withResolvers<void>();
    const large = yield* spawn(function* () {
      yield* limiter.acquire(2);
      order.push("large");
    });
    yield* spawn(function* () {
      queued.resolve();
      yield* limiter.acquire(1);
      order.push("small");
    });
    yield* queued.operation;
    expect(limiter.pending).toBe(2);
    clock.advance(1_000);
    expect(limiter.available()).toBeCloseTo(1);
    expect(order).toEqual([]);
    expect(limiter.tryAcquire()).toBe(false);
    clock.advance(1_000);
    yield* large;
    expect(order).toEqual(["large"]);
  });

  it("takes a halted waiter out of the line and lets the next one in", function* () {
    const clock = createManualClock();
    const limiter = createRateLimiter({ rate: 1, per: 1_000, burst: 1, clock, sleep: clock.sleep });
    yield* limiter.acquire();
    const queued = withResolvers<void>();
    const first = yield* spawn(() => limiter.acquire());
    const second = yield* spawn(function* () {
      queued.resolve();
      yield* limiter.acquire();
    });
    yield* queued.operation;
    yield* first.halt();
    expect(limiter.pending).toBe(1);
    clock.advance(1_000);
    yield* second;
    expect(limiter.pending).toBe(0);
    expect(clock.sleepers).toBe(0);
  });

  it("waits on the real clock by default", function* () {
    const limiter = createRateLimiter({ rate: 100, per: 1_000, burst: 1 });
    yield* limiter.acquire();
    const start = performance.now();
    yield* limiter.acquire();
    // One token per 10 ms and none left: the second acquire cannot return before the real
    // clock has moved on by about that much (a lower bound; timers never fire early by more
    // than their millisecond rounding).
    expect(performance.now() - start).toBeGreaterThanOrEqual(9);
  });

  it("throws a TypeError naming a bad option and its value", function* () {
    expect(() => createRateLimiter({ rate: 0 })).toThrow(/rate.*got 0/);
    expect(() => createRateLimiter({ rate: 1, per: -5 })).toThrow(/per.*-5/);
    expect(() => createRateLimiter({ rate: 1, burst: 1.5 })).toThrow(/burst.*1\.5/);
    const limiter = createRateLimiter({ rate: 2 });
    expect(() => limiter.acquire(0)).toThrow(/tokens.*got 0/);
    expect(() => limiter.acquire(3)).toThrow(/at most the burst of 2, got 3/);
  });
});
