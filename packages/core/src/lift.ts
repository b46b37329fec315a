import type { Operation } from "./types.js";

/**
 * Turn a plain function into one that returns an operation, called when evaluated.
 *
 * @example
 * ```ts
 * import { lift, run } from "@skein/core";
 *
 * const log = lift((message: string) => console.log(message));
 * await run(function* () {
 *   yield* log("hello");
 * });
 * ```
 *
 * @param fn - the function to lift
 * @returns a function returning an operation that calls `fn`
 */
export function lift<TArgs extends unknown[], TReturn>(
  fn: (...args: TArgs) => TReturn,
): (...args: TArgs) => Operation<TReturn> {
  return (...args) => ({
    *[Symbol.iterator]() {
      return fn(...args);
    },
  });
}
