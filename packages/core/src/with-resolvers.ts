import { Deferred } from "./engine/future.js";
import type { Operation } from "./types.js";

/**
 * An operation with its resolve and reject functions, from {@link withResolvers}.
 *
 * @example
 * ```ts
 * import { type WithResolvers, withResolvers } from "@skein/core";
 *
 * const ready: WithResolvers<string> = withResolvers();
 * ```
 */
export interface WithResolvers<T> {
  operation: Operation<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

/**
 * An operation settled from the outside, like `Promise.withResolvers()`. Any number of tasks
 * may wait on it; the first `resolve` or `reject` wins.
 *
 * @example
 * ```ts
 * import { run, spawn, withResolvers } from "@skein/core";
 *
 * await run(function* () {
 *   const ready = withResolvers<string>();
 *   yield* spawn(function* () { ready.resolve("go"); });
 *   console.log(yield* ready.operation);
 * });
 * ```
 *
 * @returns the operation and its resolvers
 */
export function withResolvers<T>(_description?: string): WithResolvers<T> {
  const deferred = new Deferred<T>();
  return {
    operation: { [Symbol.iterator]: () => deferred[Symbol.iterator]() },
    resolve: (value) => deferred.resolve(value),
    reject: (error) => deferred.reject(error),
  };
}
