/**
 * A source of the current time in milliseconds. Rate limiters and supervisors take one so tests
 * can drive time by hand.
 *
 * @example
 * ```ts
 * import type { Clock } from "@skein/core";
 *
 * let now = 0;
 * const manual: Clock = { now: () => now };
 * now += 1_000;
 * ```
 */
export interface Clock {
  /** Milliseconds; only differences between readings matter. */
  now(): number;
}

/**
 * The wall clock: `Date.now()`.
 *
 * @example
 * ```ts
 * import { systemClock } from "@skein/core";
 *
 * console.log(systemClock.now());
 * ```
 */
export const systemClock: Clock = Object.freeze({ now: () => Date.now() });
