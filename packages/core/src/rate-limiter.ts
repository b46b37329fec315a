import { assertPositive, assertPositiveInteger } from "./assert-number.js";
import type { Clock } from "./clock.js";
import { systemClock } from "./clock.js";
import { Lazy } from "./engine/lazy.js";
import { sleep as realSleep } from "./sleep.js";
import { useTimekeeper } from "./timekeeper.js";
import type { Operation } from "./types.js";
import { type WithResolvers, withResolvers } from "./with-resolvers.js";

/** Refill arithmetic is in floating point; a shortfall below this counts as none. */
const EPSILON = 1e-9;

/**
 * Options of {@link createRateLimiter}: `rate` tokens every `per` milliseconds, at most `burst`
 * saved up.
 *
 * @example
 * ```ts
 * import type { RateLimiterOptions } from "@skein/core";
 *
 * const tenPerSecond: RateLimiterOptions = { rate: 10, per: 1_000, burst: 5 };
 * ```
 */
export interface RateLimiterOptions {
  /** Tokens added every `per` milliseconds; a positive number. */
  rate: number;
  /** The period of `rate`, in milliseconds; a positive number. Default 1000. */
  per?: number;
  /** How many tokens the bucket holds (and starts with); a positive integer. Default: `ceil(rate)`. */
  burst?: number;
  /** Where time comes from. Default: the scope's timekeeper at the first `acquire()` (real time unless a test installed a virtual clock). */
  clock?: Clock;
  /** How to wait for tokens. Default {@link sleep}; a test passes one that moves its clock. */
  sleep?: (ms: number) => Operation<void>;
}

/**
 * A token bucket made by {@link createRateLimiter}.
 *
 * @example
 * ```ts
 * import { createRateLimiter, type RateLimiter } from "@skein/core";
 *
 * const limiter: RateLimiter = createRateLimiter({ rate: 5 });
 * ```
 */
export interface RateLimiter {
  /**
   * Wait until `tokens` (default 1, at most `burst`) are available and take them. Callers are
   * served first come, first served: a large request at the head is not overtaken by small ones.
   * Halting a waiting caller removes it from the line.
   */
  acquire(tokens?: number): Operation<void>;
  /** Take `tokens` now if they are available and nobody is waiting; tell whether it did. */
  tryAcquire(tokens?: number): boolean;
  /** Tokens in the bucket right now (fractional while refilling). */
  available(): number;
  /** Callers waiting in `acquire`. */
  readonly pending: number;
}

/**
 * Create a token-bucket rate limiter: it starts full with `burst` tokens and refills at `rate`
 * per `per` milliseconds. Waits are ordinary operations, cancelled when the caller is halted.
 *
 * @example
 * ```ts
 * import { createRateLimiter, run } from "@skein/core";
 *
 * const limiter = createRateLimiter({ rate: 100, per: 1_000, burst: 10 });
 * await run(function* () {
 *   for (let i = 0; i < 20; i++) {
 *     yield* limiter.acquire();
 *     // call the API
 *   }
 * });
 * ```
 *
 * @param options - rate, period, burst size, and an optional clock and sleeper
 * @returns the limiter
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { rate, per = 1_000, sleep = realSleep } = options;
  // Without a clock given, the first acquire() takes the scope's timekeeper (a test's virtual
  // clock, or the real one); until then the wall clock answers.
  let clock: Clock | undefined = options.clock;
  assertPositive("rate", rate);
  assertPositive("per", per);
  const burst = options.burst ?? Math.ceil(rate);
  assertPositiveInteger("burst", burst);

  let tokens = burst;
  let last = (clock ?? systemClock).now();
  const line: WithResolvers<void>[] = [];

  function refill(): void {
    const now = (clock ?? systemClock).now();
    if (now > last) {
      tokens = Math.min(burst, tokens + ((now - last) * rate) / per);
      last = now;
    }
  }

  function take(wanted: number): boolean {
    refill();
    if (tokens + EPSILON < wanted) return false;
    tokens = Math.max(0, tokens - wanted);
    return true;
  }

  function check(wanted: unknown): number {
    const n = wanted ?? 1;
    assertPositiveInteger("tokens", n);
    if (n > burst) {
      throw new TypeError(`tokens must be at most the burst of ${burst}, got ${n}`);
    }
    return n;
  }

  function* acquire(wanted: number): Generator<any, void> {
    if (clock === undefined) {
      clock = yield* useTimekeeper();
      last = clock.now();
    }
    if (line.length === 0 && take(wanted)) return;
    const turn = withResolvers<void>();
    line.push(turn);
    try {
      if (line[0] !== turn) yield* turn.operation;
      while (!take(wanted)) {
        yield* sleep(Math.ceil(((wanted - tokens) * per) / rate));
      }
    } finally {
      const i = line.indexOf(turn);
      line.splice(i, 1);
      if (i === 0) line[0]?.resolve();
    }
  }

  return {
    acquire(wanted?: number): Operation<void> {
      const n = check(wanted);
      return new Lazy(acquire, n, undefined, undefined);
    },
    tryAcquire(wanted?: number): boolean {
      const n = check(wanted);
      return line.length === 0 && take(n);
    },
    available(): number {
      refill();
      return tokens;
    },
    get pending() {
      return line.length;
    },
  };
}
