import type { Instruction } from "./engine/instruction.js";
import { Lazy } from "./engine/lazy.js";
import type { Operation } from "./types.js";
import { until } from "./until.js";

function isOperation(value: unknown): value is Operation<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Operation<unknown>)[Symbol.iterator] === "function" &&
    !Array.isArray(value) &&
    !(value instanceof Map) &&
    !(value instanceof Set)
  );
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === "function"
  );
}

/**
 * Anything {@link call} can evaluate: a function returning a promise, an operation or a plain
 * value. Take one where users should be able to pass a plain function.
 *
 * @example
 * ```ts
 * import { type Callable, call, type Operation, run } from "@skein/core";
 *
 * function* hello(to: Callable<string>): Operation<string> {
 *   return `hello ${yield* call(to)}`;
 * }
 * await run(() => hello(async () => "world")); // "hello world"
 * ```
 */
export type Callable<
  T extends Operation<unknown> | PromiseLike<unknown> | unknown,
  TArgs extends unknown[] = [],
> = (...args: TArgs) => T;

/**
 * Call a function from an operation: if it returns an operation it is run, a promise is
 * awaited, and any other value is returned as is. It runs in the current scope.
 *
 * @example
 * ```ts
 * import { call, run } from "@skein/core";
 *
 * await run(function* () {
 *   const a = yield* call(async () => 1);
 *   const b = yield* call(function* () { return 2; });
 *   const c = yield* call(() => 3);
 *   return a + b + c;
 * });
 * ```
 *
 * @param fn - the function to call
 * @returns an operation yielding its (awaited or run) result
 */
export function call<T, TArgs extends unknown[] = []>(
  fn: (...args: TArgs) => PromiseLike<T>,
  ...args: TArgs
): Operation<T>;
export function call<T, TArgs extends unknown[] = []>(
  fn: (...args: TArgs) => Operation<T>,
  ...args: TArgs
): Operation<T>;
export function call<T, TArgs extends unknown[] = []>(
  fn: (...args: TArgs) => T,
  ...args: TArgs
): Operation<T>;
export function call(fn: (...args: unknown[]) => unknown, ...args: unknown[]): Operation<unknown> {
  return new Lazy(called, fn, args, undefined);
}

function* called(
  fn: (...args: unknown[]) => unknown,
  args: unknown[],
): Generator<Instruction, unknown, unknown> {
  const target = fn(...args);
  if (isPromiseLike(target)) return yield* until(target);
  if (isOperation(target) && typeof target !== "string") return yield* target;
  return target;
}
