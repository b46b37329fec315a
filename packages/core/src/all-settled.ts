import { all } from "./all.js";
import { Err, Ok } from "./result.js";
import type { Operation, Result, Yielded } from "./types.js";

function* settle<T>(operation: Operation<T>): Generator<any, Result<T>, any> {
  try {
    return Ok(yield* operation);
  } catch (error) {
    return Err<T>(error);
  }
}

/**
 * Run operations concurrently and wait for every one to finish, successful or not, like
 * `Promise.allSettled`. It never throws for a failed operation.
 *
 * @example
 * ```ts
 * import { allSettled, run } from "@skein/core";
 *
 * const results = await run(() =>
 *   allSettled([
 *     (function* () { return 1; })(),
 *     (function* (): Generator<never, number> { throw new Error("no"); })(),
 *   ]),
 * );
 * // [{ ok: true, value: 1 }, { ok: false, error }]
 * ```
 *
 * @param operations - the operations to run
 * @returns one {@link Result} per operation, in order
 */
export function allSettled<T extends readonly Operation<unknown>[] | []>(
  operations: T,
): Operation<{ -readonly [P in keyof T]: Result<Yielded<T[P]>> }> {
  return all(operations.map((operation) => settle(operation))) as never;
}
