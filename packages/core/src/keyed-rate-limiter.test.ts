import { expect } from "vitest";
import { createManualClock } from "./fixtures/manual-clock.js";
import { createKeyedRateLimiter } from "./keyed-rate-limiter.js";
import { spawn } from "./spawn.js";
import { describe, it } from "./test/mod.js";
import { withResolvers } from "./with-resolvers.js";

describe("createKeyedRateLimiter()", () => {
  it("keeps a separate bucket for each key", function* () {
    const clock = createManualClock();
    const limiter = createKeyedRateLimiter({
      rate: 1,
      burst: 1,
      idleMs: 10_000,
      clock,
      sleep: clock.sleep,
    });
    yield* limiter.acquire("a");
    expect(limiter.tryAcquire("a")).toBe(false);
    expect(limiter.tryAcquire("b")).toBe(true);
    expect(limiter.size).toBe(2);
  });

  it("evicts buckets that stayed idle, on a later access", function* () {
    const clock = createManualClock();
    const limiter = createKeyedRateLimiter({
      rate: 1,
      burst: 2,
      idleMs: 5_000,
      clock,
      sleep: clock.sleep,
    });
    for (let host = 0; host < 100; host++) yield* limiter.acquire(`host-${host}`);
    expect(limiter.size).toBe(100);
    clock.advance(5_000);
    yield* limiter.acquire("fresh");
    expect(limiter.size).toBe(1);
  });

  it("keeps a bucket that has not refilled, so eviction grants no extra tokens", function* () {
    const clock = createManualClock();
    const limiter = createKeyedRateLimiter({
      rate: 1,
      per: 10_000,
      burst: 1,
      idleMs: 1_000,
      clock,
      sleep: clock.sleep,
    });
    yield* limiter.acquire("a");
    clock.advance(1_000);
    expect(limiter.tryAcquire("b")).toBe(true);
    expect(limiter.size).toBe(2);
    expect(limiter.tryAcquire("a")).toBe(false);
  });

  it("keeps a bucket somebody is waiting on", function* () {
    const clock = createManualClock();
    const limiter = createKeyedRateLimiter({
      rate: 1,
      burst: 1,
      idleMs: 0,
      clock,
      sleep: clock.sleep,
    });
    yield* limiter.acquire("busy");
    const waiting = withResolvers<void>();
    const waiter = yield* spawn(function* () {
      waiting.resolve();
      yield* limiter.acquire("busy");
    });
    yield* waiting.operation;
    expect(limiter.tryAcquire("other")).toBe(true);
    expect(limiter.size).toBe(2);
    clock.advance(1_000);
    yield* waiter;
  });

  it("throws a TypeError for a bad idleMs or bucket option", function* () {
    expect(() => createKeyedRateLimiter({ rate: 1, idleMs: -1 })).toThrow(/idleMs.*-1/);
    expect(() => createKeyedRateLimiter({ rate: 1, burst: 0, idleMs: 1 })).toThrow(/burst.*0/);
  });
});
