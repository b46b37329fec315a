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
 * The error of an {@link Err} made from a thrown value that is not an `Error` (a string, a
 * number, a plain object): its message is the value as a string, and `cause` is the value itself.
 *
 * @example
 * ```ts
 * import { Err, ThrownValueError } from "@skein/core";
 *
 * const result = Err("boom");
 * if (!result.ok && result.error instanceof ThrownValueError) {
 *   console.log(result.error.cause); // "boom"
 * }
 * ```
 */
export class ThrownValueError extends Error {
  readonly code = "thrown-value";
  override name = "ThrownValueError";
  constructor(value: unknown) {
    super(describe(value), { cause: value });
  }
}

function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    // An object without a prototype has no toString.
    return Object.prototype.toString.call(value);
  }
}

/**
 * A failed {@link Result}. A thrown value that is not an `Error` is wrapped in a
 * {@link ThrownValueError} whose `cause` is the value, so `error` is always an `Error`.
 *
 * @example
 * ```ts
 * import { Err } from "@skein/core";
 *
 * const result = Err(new Error("boom")); // { ok: false, error }
 * ```
 */
export function Err<T>(error: unknown): Result<T> {
  return { ok: false, error: error instanceof Error ? error : new ThrownValueError(error) };
}

/**
 * The value of a result, or its error thrown (for a {@link ThrownValueError}, the value it wraps,
 * so what was thrown is thrown again).
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
  throw result.error instanceof ThrownValueError ? result.error.cause : result.error;
}
