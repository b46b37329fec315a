/**
 * Thrown by `createApi()` for a core that is not an object, and by `around()` for middleware
 * that is not an object or an API not made by `createApi()`. The value is kept in `value`.
 *
 * @example
 * ```ts
 * import { createApi, InvalidApiError } from "@skein/core/experimental";
 *
 * try {
 *   createApi("broken", null as unknown as {});
 * } catch (error) {
 *   console.log(error instanceof InvalidApiError, (error as InvalidApiError).code); // true "invalid-api"
 * }
 * ```
 */
export class InvalidApiError extends TypeError {
  readonly code = "invalid-api";
  override name = "InvalidApiError";
  constructor(
    message: string,
    readonly value: unknown,
  ) {
    super(message);
  }
}
