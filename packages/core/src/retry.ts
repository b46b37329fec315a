import { type BackoffOptions, createBackoff } from "./backoff.js";
import { useDeadline } from "./deadline.js";
import { halting } from "./engine/halting.js";
import type { Instruction } from "./engine/instruction.js";
import { Lazy } from "./engine/lazy.js";
import { scoped } from "./scoped.js";
import { sleep as realSleep } from "./sleep.js";
import type { Operation } from "./types.js";

/** A registered symbol, so two copies of the package agree on it. */
const ATTEMPTS = Symbol.for("@skein/core/retry.attempts");

/**
 * What {@link RetryOptions.onRetry} is told before each wait.
 *
 * @example
 * ```ts
 * import type { RetryInfo } from "@skein/core";
 *
 * const log = (info: RetryInfo) => console.warn(`attempt ${info.attempt} failed; next in ${info.delayMs}ms`);
 * ```
 */
export interface RetryInfo {
  /** What the failed attempt threw. */
  error: unknown;
  /** The attempt that failed, 1 for the first. */
  attempt: number;
  /** How long retry waits before the next attempt. */
  delayMs: number;
}

/**
 * Options of {@link retry}.
 *
 * @example
 * ```ts
 * import type { RetryOptions } from "@skein/core";
 *
 * const options: RetryOptions = { attempts: 5, backoff: { initial: 50, max: 2_000 } };
 * ```
 */
export interface RetryOptions {
  /** Attempts in all, the first one included; a positive integer. Default 3. */
  attempts?: number;
  /** The waits between attempts. Default: 100ms doubling up to 10s, full jitter. */
  backoff?: BackoffOptions;
  /** Whether to try again after `error`; a `false` rethrows it at once. Default: always. */
  retryIf?: (error: unknown, attempt: number) => boolean;
  /** Called before each wait. */
  onRetry?: (info: RetryInfo) => void;
  /** How to wait; tests pass one that records the delays. Default {@link sleep}. */
  sleep?: (ms: number) => Operation<void>;
}

/**
 * Run `operation` until it succeeds, at most `attempts` times, waiting per `backoff` in between.
 * Each attempt runs in a scope of its own, so tasks it started are halted before the next one.
 * The wait is halted with the caller, and it respects the nearest deadline
 * ({@link useDeadline}): when the next wait would end past it, retry gives up early.
 *
 * When it gives up (attempts used, `retryIf` said no, or the deadline is too near) it rethrows
 * the last error itself, not a wrapper; {@link retryAttempts} reads how many attempts were made.
 *
 * @example
 * ```ts
 * import { call, retry, run } from "@skein/core";
 *
 * const body = await run(() =>
 *   retry(() => call(() => fetch("https://example.com").then((r) => r.text())), {
 *     attempts: 4,
 *     retryIf: (error) => !(error instanceof TypeError),
 *   }),
 * );
 * ```
 *
 * @param operation - makes a fresh attempt each time it is called
 * @param options - attempts, backoff, filters and hooks
 * @returns the value of the first attempt that succeeds
 */
export function retry<T>(operation: () => Operation<T>, options: RetryOptions = {}): Operation<T> {
  const { attempts = 3, retryIf, onRetry, sleep = realSleep } = options;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new TypeError(`retry attempts must be a positive integer, got ${String(attempts)}`);
  }
  const policy: Policy = {
    attempts,
    retryIf,
    onRetry,
    sleep,
    delay: createBackoff(options.backoff),
  };
  return new Lazy(attempting<T>, operation, policy, undefined);
}

/** Internal. `retry`'s options, checked and with defaults filled in. */
interface Policy {
  attempts: number;
  retryIf: RetryOptions["retryIf"];
  onRetry: RetryOptions["onRetry"];
  sleep: (ms: number) => Operation<void>;
  delay: (attempt: number) => number;
}

function* attempting<T>(
  operation: () => Operation<T>,
  { attempts, retryIf, onRetry, sleep, delay }: Policy,
): Generator<Instruction, T, unknown> {
  for (let attempt = 1; ; attempt++) {
    try {
      return yield* scoped(operation);
    } catch (error) {
      if (
        attempt >= attempts ||
        (retryIf !== undefined && !retryIf(error, attempt)) ||
        (yield* halting())
      ) {
        throw recordAttempts(error, attempt);
      }
      const delayMs = delay(attempt);
      if (delayMs >= (yield* useDeadline())) throw recordAttempts(error, attempt);
      onRetry?.({ error, attempt, delayMs });
      yield* sleep(delayMs);
    }
  }
}

function recordAttempts(error: unknown, attempts: number): unknown {
  if (typeof error === "object" && error !== null && Object.isExtensible(error)) {
    Object.defineProperty(error, ATTEMPTS, { value: attempts, configurable: true });
  }
  return error;
}

/**
 * How many attempts {@link retry} made before it gave up with `error`, or `undefined` if the
 * error did not come out of `retry` (or could not be marked, like a frozen object or a string).
 *
 * @example
 * ```ts
 * import { retry, retryAttempts, run } from "@skein/core";
 *
 * try {
 *   await run(() => retry(function* () { throw new Error("down"); }, { attempts: 2, backoff: { initial: 1 } }));
 * } catch (error) {
 *   console.log(retryAttempts(error)); // 2
 * }
 * ```
 *
 * @param error - what retry threw
 * @returns the number of attempts, or `undefined`
 */
export function retryAttempts(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  return (error as { [ATTEMPTS]?: number })[ATTEMPTS];
}
