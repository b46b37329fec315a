/**
 * How the wait between attempts grows: `initial * factor ** (attempt - 1)`, capped at `max`.
 * With `jitter: "full"` (the default) the wait is drawn uniformly from zero to that value, which
 * spreads out clients that failed together.
 *
 * @example
 * ```ts
 * import type { BackoffOptions } from "@skein/core";
 *
 * const gentle: BackoffOptions = { initial: 100, factor: 2, max: 5_000, jitter: "full" };
 * ```
 */
export interface BackoffOptions {
  /** The wait after the first failure, in milliseconds. Default 100. */
  initial?: number;
  /** How much each wait grows over the previous one; at least 1. Default 2. */
  factor?: number;
  /** The longest wait, in milliseconds. Default 10 000. */
  max?: number;
  /** `"full"`: a random wait between 0 and the computed one; `"none"`: exactly it. Default `"full"`. */
  jitter?: "full" | "none";
  /** A source of numbers in [0, 1) for jitter. Default `Math.random`. */
  random?: () => number;
}

function assertNonNegative(name: string, value: unknown): void {
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
    throw new TypeError(`${name} must be a non-negative number, got ${String(value)}`);
  }
}

/**
 * Check a backoff policy and return the function that computes its waits. It is pure apart from
 * the jitter's random source, so tests can pass a fixed `random`.
 *
 * @example
 * ```ts
 * import { createBackoff } from "@skein/core";
 *
 * const delay = createBackoff({ initial: 100, factor: 2, max: 1_000, jitter: "none" });
 * console.log([1, 2, 3, 4, 5].map(delay)); // [100, 200, 400, 800, 1000]
 * ```
 *
 * @param options - the policy; every field has a default
 * @returns a function from the attempt that just failed (1 for the first) to the wait in ms
 */
export function createBackoff(options: BackoffOptions = {}): (attempt: number) => number {
  const {
    initial = 100,
    factor = 2,
    max = 10_000,
    jitter = "full",
    random = Math.random,
  } = options;
  assertNonNegative("backoff.initial", initial);
  assertNonNegative("backoff.max", max);
  if (typeof factor !== "number" || Number.isNaN(factor) || factor < 1) {
    throw new TypeError(`backoff.factor must be a number of at least 1, got ${String(factor)}`);
  }
  if (jitter !== "full" && jitter !== "none") {
    throw new TypeError(`backoff.jitter must be "full" or "none", got ${String(jitter)}`);
  }
  return (attempt) => {
    if (!Number.isInteger(attempt) || attempt < 1) {
      throw new TypeError(`attempt must be a positive integer, got ${String(attempt)}`);
    }
    const ceiling = Math.min(max, initial * factor ** (attempt - 1));
    return jitter === "full" ? random() * ceiling : ceiling;
  };
}
