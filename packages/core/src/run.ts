import { offerInspectHook } from "./inspect-hook.js";
import { global } from "./scope.js";
import type { Operation, Task } from "./types.js";

/**
 * Start an operation from async code. The task is owned by the global scope; await it for the
 * result, or `halt()` it. Prefer {@link main} for a whole program.
 *
 * @example
 * ```ts
 * import { run, sleep } from "@skein/core";
 *
 * const value = await run(function* () {
 *   yield* sleep(10);
 *   return 42;
 * });
 * ```
 *
 * @param operation - a function returning the operation to run
 * @returns the running {@link Task}
 */
export function run<T>(operation: () => Operation<T>): Task<T> {
  offerInspectHook();
  return global.run(operation);
}
