/**
 * A handler (or a middleware) returned something that is not a `Response`. The server logs it
 * and answers 500; the message says what came back and what was expected.
 *
 * @example
 * ```ts
 * import { HandlerResultError } from "@skein/http";
 *
 * const error = new HandlerResultError("GET /items", undefined);
 * console.log(error.code, error.message);
 * // handler-result the handler for GET /items returned undefined; a handler returns a Response ...
 * ```
 */
export class HandlerResultError extends TypeError {
  override name = "HandlerResultError";
  readonly code = "handler-result";
  constructor(
    /** `METHOD target` of the request. */
    readonly request: string,
    /** What the handler returned. */
    readonly value: unknown,
  ) {
    super(
      `the handler for ${request} returned ${describe(value)}; a handler returns a Response (did it forget \`return\`, or return the body instead of \`new Response(body)\`?)`,
    );
  }
}

/**
 * An option of `useHttpServer` (or of a server helper) has a value it cannot take.
 *
 * @example
 * ```ts
 * import { InvalidServerOptionError } from "@skein/http";
 *
 * const error = new InvalidServerOptionError("maxConnections", -1, "a positive integer");
 * console.log(error.code, error.option, error.value); // invalid-server-option maxConnections -1
 * ```
 */
export class InvalidServerOptionError extends TypeError {
  override name = "InvalidServerOptionError";
  readonly code = "invalid-server-option";
  constructor(
    readonly option: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`${option} must be ${expected}, got ${describe(value)}`);
  }
}

/** A short description of any value, for error messages. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "object") {
    const name = (value as object).constructor?.name;
    if (name === "Object" || !name) return "a plain object";
    return `an object of class ${name}`;
  }
  if (typeof value === "function") return "a function";
  return `${typeof value} ${String(value)}`;
}

/**
 * A cookie given to `setCookie` has a name or attribute a `Set-Cookie` header cannot carry.
 *
 * @example
 * ```ts
 * import { InvalidCookieError } from "@skein/http";
 *
 * const error = new InvalidCookieError("name", "a b");
 * console.log(error.code, error.field, error.value); // invalid-cookie name a b
 * ```
 */
export class InvalidCookieError extends TypeError {
  override name = "InvalidCookieError";
  readonly code = "invalid-cookie";
  constructor(
    readonly field: string,
    readonly value: unknown,
  ) {
    super(`a cookie's ${field} cannot be ${describe(value)}`);
  }
}
