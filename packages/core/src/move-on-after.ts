import { assertDuration } from "./assert-number.js";
import type { Instruction } from "./engine/instruction.js";
import { Lazy } from "./engine/lazy.js";
import { limitAfter, TIMED_OUT } from "./time-limit.js";
import type { Operation } from "./types.js";

/**
 * What {@link moveOnAfter} yields: the value, or a note that time ran out.
 *
 * @example
 * ```ts
 * import type { MoveOnResult } from "@skein/core";
 *
 * const late: MoveOnResult<string> = { timedOut: true };
 * ```
 */
export type MoveOnResult<T> = { timedOut: false; value: T } | { timedOut: true };

/**
 * Like {@link timeout}, but never throws on timeout: the operation is halted (its cleanup runs)
 * and `{ timedOut: true }` is returned. Only this limit is caught; an enclosing one that fires
 * first still halts the caller.
 *
 * @example
 * ```ts
 * import { moveOnAfter, run, suspend } from "@skein/core";
 *
 * await run(function* () {
 *   const result = yield* moveOnAfter(10, suspend());
 *   console.log(result.timedOut); // true
 * });
 * ```
 *
 * @param ms - the time allowed, in milliseconds
 * @param operation - the operation to bound
 * @returns `{ timedOut: false, value }` or `{ timedOut: true }`
 */
export function moveOnAfter<T>(ms: number, operation: Operation<T>): Operation<MoveOnResult<T>> {
  assertDuration("moveOnAfter(ms)", ms);
  return new Lazy(movingOn<T>, ms, operation, undefined);
}

function* movingOn<T>(
  ms: number,
  operation: Operation<T>,
): Generator<Instruction, MoveOnResult<T>, unknown> {
  const result = yield* limitAfter(ms, operation);
  return result === TIMED_OUT ? { timedOut: true } : { timedOut: false, value: result };
}
