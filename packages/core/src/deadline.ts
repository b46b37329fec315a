import type { Instruction } from "./engine/instruction.js";
import { Lazy } from "./engine/lazy.js";
import { DeadlineContext, limit, TIMED_OUT } from "./time-limit.js";
import { useTimekeeper } from "./timekeeper.js";
import { TimeoutError } from "./timeout.js";
import type { Operation } from "./types.js";

/**
 * Milliseconds left before the nearest enclosing deadline (set by {@link timeout},
 * {@link deadline} or {@link moveOnAfter}), or `Infinity` when there is none. Never negative.
 * Adapters turn it into socket or statement timeouts.
 *
 * @example
 * ```ts
 * import { run, timeout, useDeadline } from "@skein/core";
 *
 * await run(function* () {
 *   yield* timeout(500, (function* () {
 *     const left = yield* useDeadline(); // about 500
 *     console.log(`statement_timeout = ${Math.floor(left)}`);
 *   })());
 * });
 * ```
 *
 * @returns an operation yielding the milliseconds left
 */
export function useDeadline(): Operation<number> {
  return new Lazy(remaining, undefined, undefined, undefined);
}

function* remaining(): Generator<Instruction, number, unknown> {
  const at = (yield* DeadlineContext.get()) ?? Infinity;
  return at === Infinity ? Infinity : Math.max(0, at - (yield* useTimekeeper()).now());
}

/**
 * Like {@link timeout}, with an absolute deadline in epoch milliseconds (`Date.now()` based). A
 * deadline already past does not start the operation. The {@link TimeoutError}'s `ms` is the
 * budget the operation had when it started.
 *
 * @example
 * ```ts
 * import { deadline, run, sleep } from "@skein/core";
 *
 * const at = Date.now() + 1000;
 * await run(function* () {
 *   yield* deadline(at, sleep(10));
 *   yield* deadline(at, sleep(10)); // shares what is left of the same second
 * });
 * ```
 *
 * @param atEpochMs - when to give up, in milliseconds since the epoch
 * @param operation - the operation to bound
 * @returns the operation's value
 */
export function deadline<T>(atEpochMs: number, operation: Operation<T>): Operation<T> {
  if (typeof atEpochMs !== "number" || Number.isNaN(atEpochMs)) {
    throw new TypeError(`deadline(atEpochMs) must be a number, got ${String(atEpochMs)}`);
  }
  return new Lazy(byDeadline<T>, atEpochMs, operation, undefined);
}

function* byDeadline<T>(
  atEpochMs: number,
  operation: Operation<T>,
): Generator<Instruction, T, unknown> {
  const budget = Math.max(0, atEpochMs - (yield* useTimekeeper()).now());
  const result = yield* limit(atEpochMs, operation);
  if (result === TIMED_OUT) throw new TimeoutError(budget);
  return result;
}
