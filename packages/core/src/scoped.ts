import { trapped } from "./engine/trap-scope.js";
import type { Operation } from "./types.js";

/**
 * Run an operation in a scope of its own: everything it starts ends with it, context values it
 * sets are dropped, and a failure of anything it started is thrown here, where it can be caught.
 *
 * @example
 * ```ts
 * import { run, scoped, spawn, suspend } from "@skein/core";
 *
 * await run(function* () {
 *   yield* scoped(function* () {
 *     yield* spawn(function* () {
 *       try { yield* suspend(); } finally { console.log("halted when scoped() returns"); }
 *     });
 *   });
 * });
 * ```
 *
 * @param operation - a function returning the operation to encapsulate
 * @returns the operation's result, after its scope has ended
 */
export function scoped<T>(operation: () => Operation<T>): Operation<T> {
  return trapped(operation);
}
