import { trapped } from "./engine/trap-scope.js";
import { spawn } from "./spawn.js";
import type { Operation, Task, Yielded } from "./types.js";

/** The tuple of values that `all()` produces for its operations.
 *
 * @example
 * ```ts
 * import type { All, Operation } from "@skein/core";
 *
 * type Pair = All<[Operation<number>, Operation<string>]>; // [number, string]
 * ```
 */
export type All<T extends readonly Operation<unknown>[] | []> = {
  -readonly [P in keyof T]: Yielded<T[P]>;
};

/**
 * Run operations concurrently and return all their values in order, like `Promise.all`. When
 * one fails, the others are halted, and `all` throws that error once their cleanup is done.
 *
 * @example
 * ```ts
 * import { all, run, sleep } from "@skein/core";
 *
 * function* after(ms: number, value: string) {
 *   yield* sleep(ms);
 *   return value;
 * }
 * const [a, b] = await run(() => all([after(20, "a"), after(10, "b")]));
 * ```
 *
 * @param operations - the operations to run
 * @returns their values, in the order given
 */
export function all<T extends readonly Operation<unknown>[] | []>(
  operations: T,
): Operation<All<T>> {
  return trapped(function* () {
    const tasks: Task<unknown>[] = [];
    for (const operation of operations) {
      tasks.push(yield* spawn(() => operation));
    }
    const results: unknown[] = [];
    for (const task of tasks) {
      results.push(yield* task);
    }
    return results as All<T>;
  });
}
