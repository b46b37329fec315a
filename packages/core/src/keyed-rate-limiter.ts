import { assertDuration } from "./assert-number.js";
import { type Clock, systemClock } from "./clock.js";
import { createRateLimiter, type RateLimiter, type RateLimiterOptions } from "./rate-limiter.js";
import { useTimekeeper } from "./timekeeper.js";
import type { Operation } from "./types.js";

/**
 * Options of {@link createKeyedRateLimiter}: those of each bucket, plus how long an unused one is
 * kept.
 *
 * @example
 * ```ts
 * import type { KeyedRateLimiterOptions } from "@skein/core";
 *
 * const perHost: KeyedRateLimiterOptions = { rate: 5, per: 1_000, burst: 5, idleMs: 60_000 };
 * ```
 */
export interface KeyedRateLimiterOptions extends RateLimiterOptions {
  /** Drop a bucket unused for this many milliseconds (once it is full again). */
  idleMs: number;
}

/**
 * One token bucket per key, made by {@link createKeyedRateLimiter}.
 *
 * @example
 * ```ts
 * import { createKeyedRateLimiter, type KeyedRateLimiter } from "@skein/core";
 *
 * const limiter: KeyedRateLimiter<string> = createKeyedRateLimiter({ rate: 5, idleMs: 60_000 });
 * ```
 */
export interface KeyedRateLimiter<K> {
  /** Wait for `tokens` (default 1) from the bucket of `key`, as {@link RateLimiter.acquire}. */
  acquire(key: K, tokens?: number): Operation<void>;
  /** Take `tokens` from the bucket of `key` now if they are there; tell whether it did. */
  tryAcquire(key: K, tokens?: number): boolean;
  /** Buckets currently kept. */
  readonly size: number;
}

interface Entry {
  limiter: RateLimiter;
  lastUsed: number;
}

/**
 * Create a rate limiter with one token bucket per key, such as one per host. Buckets are made on
 * first use and dropped lazily, during later calls, once they have been unused for `idleMs`, have
 * nobody waiting, and have refilled: dropping one never grants extra tokens, and the map does not
 * grow without bound. No timer runs in the background.
 *
 * @example
 * ```ts
 * import { createKeyedRateLimiter, run } from "@skein/core";
 *
 * const perHost = createKeyedRateLimiter<string>({ rate: 2, per: 1_000, idleMs: 30_000 });
 * await run(function* () {
 *   yield* perHost.acquire("api.example.com");
 *   yield* perHost.acquire("cdn.example.com"); // another bucket: no wait
 * });
 * ```
 *
 * @param options - each bucket's rate, period, burst, clock and sleeper, and `idleMs`
 * @returns the keyed limiter
 */
export function createKeyedRateLimiter<K = string>(
  options: KeyedRateLimiterOptions,
): KeyedRateLimiter<K> {
  const { idleMs } = options;
  let clock: Clock | undefined = options.clock;
  const now = (): number => (clock ?? systemClock).now();
  assertDuration("idleMs", idleMs);
  const capacity = options.burst ?? Math.ceil(options.rate);
  createRateLimiter(options);
  const entries = new Map<K, Entry>();
  let lastSweep = now();

  function sweep(at: number): void {
    if (at - lastSweep < idleMs) return;
    lastSweep = at;
    for (const [key, entry] of entries) {
      const { limiter } = entry;
      if (
        at - entry.lastUsed >= idleMs &&
        limiter.pending === 0 &&
        limiter.available() >= capacity
      ) {
        entries.delete(key);
      }
    }
  }

  function entryOf(key: K): Entry {
    const at = now();
    sweep(at);
    let entry = entries.get(key);
    if (entry === undefined) {
      entry = { limiter: createRateLimiter({ ...options, clock }), lastUsed: at };
      entries.set(key, entry);
    }
    entry.lastUsed = at;
    return entry;
  }

  return {
    acquire(key: K, tokens?: number): Operation<void> {
      return {
        *[Symbol.iterator]() {
          if (clock === undefined) {
            clock = yield* useTimekeeper();
            lastSweep = clock.now();
          }
          const entry = entryOf(key);
          try {
            yield* entry.limiter.acquire(tokens);
          } finally {
            entry.lastUsed = now();
          }
        },
      };
    },
    tryAcquire(key: K, tokens?: number): boolean {
      return entryOf(key).limiter.tryAcquire(tokens);
    },
    get size() {
      return entries.size;
    },
  };
}
