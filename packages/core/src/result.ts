import type { Result } from "./types.js";

/**
 * A successful {@link Result}.
 *
 * @example
 * ```ts
 * import { Ok } from "@skein/core";
 *
 * const result = Ok(42); // { ok: true, value: 42 }
 * ```
 */
export function Ok(): Result<void>;
export function Ok<T>(value: T): Result<T>;
export function Ok<T>(value?: T): Result<T | undefined> {
  return { ok: true, value };
}

/**
 * A failed {@link Result}.
 *
 * @example
 * ```ts
 * import { Err } from "@skein/core";
 *
 * const result = Err(new Error("boom")); // { ok: false, error }
 * ```
 */
export function Err<T>(error: unknown): Result<T> {
  return { ok: false, error: error as Error };
}

/**
 * The value of a result, or its error thrown.
 *
 * @example
 * ```ts
 * import { Ok, unbox } from "@skein/core";
 *
 * unbox(Ok(1)); // 1
 * ```
 */
export function unbox<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw result.error;
}
