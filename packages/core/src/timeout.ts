import { assertDuration } from "./assert-number.js";
import type { Instruction } from "./engine/instruction.js";
import { Lazy } from "./engine/lazy.js";
import { limitAfter, TIMED_OUT } from "./time-limit.js";
import type { Operation } from "./types.js";

/**
 * Thrown by {@link timeout}, {@link deadline} and a bounded {@link shield} when the limit they
 * set is reached. `ms` is that limit; its `code` is `"timeout"`.
 *
 * @example
 * ```ts
 * import { run, suspend, timeout, TimeoutError } from "@skein/core";
 *
 * await run(function* () {
 *   try {
 *     yield* timeout(10, suspend());
 *   } catch (error) {
 *     if (error instanceof TimeoutError) console.log(error.code, error.ms); // "timeout" 10
 *   }
 * });
 * ```
 */
export class TimeoutError extends Error {
  readonly code = "timeout";
  override name = "TimeoutError";
  /** The limit that was reached, in milliseconds. */
  readonly ms: number;

  /**
   * @param ms - the limit that was reached, in milliseconds
   * @param message - replaces the default message
   */
  constructor(ms: number, message = `operation timed out after ${ms}ms`) {
    super(message);
    this.ms = ms;
  }
}

/**
 * Halt `operation` if it has not finished within `ms`, then throw a {@link TimeoutError} once its
 * cleanup has run. Nested limits compose: the nearest deadline wins, so an inner timeout longer
 * than the time left outside does not extend it, and the error names the limit that fired.
 * With `ms` of 0 the operation is not started.
 *
 * @example
 * ```ts
 * import { run, sleep, timeout } from "@skein/core";
 *
 * await run(function* () {
 *   yield* timeout(1000, sleep(10)); // finishes in time
 * });
 * ```
 *
 * @param ms - the time allowed, in milliseconds (`Infinity` for none)
 * @param operation - the operation to bound
 * @returns the operation's value
 */
export function timeout<T>(ms: number, operation: Operation<T>): Operation<T> {
  assertDuration("timeout(ms)", ms);
  return new Lazy(timed<T>, ms, operation, undefined);
}

function* timed<T>(ms: number, operation: Operation<T>): Generator<Instruction, T, unknown> {
  const result = yield* limitAfter(ms, operation);
  if (result === TIMED_OUT) throw new TimeoutError(ms);
  return result;
}
