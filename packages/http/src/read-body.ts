import { type Operation, until } from "@skein/core";
import { InvalidJsonError } from "./request-errors.js";

/**
 * Read a request body as UTF-8 text. On a server made by `useHttpServer`, a body larger than
 * `maxBodyBytes` fails with `PayloadTooLargeError` (answered with 413).
 *
 * @example
 * ```ts
 * import { readText } from "@skein/http";
 *
 * function* echo(request: Request) {
 *   return new Response(yield* readText(request));
 * }
 * ```
 *
 * @param request - the request whose body to read
 * @returns an operation yielding the text
 */
export function readText(request: Request): Operation<string> {
  return until(request.text());
}

/**
 * Read a request body as JSON. Malformed JSON fails with {@link InvalidJsonError}, which the
 * server answers with 400 and a JSON error; the type parameter is trusted, not checked.
 *
 * @example
 * ```ts
 * import { readJson } from "@skein/http";
 *
 * function* create(request: Request) {
 *   const item = yield* readJson<{ name: string }>(request);
 *   return Response.json({ created: item.name }, { status: 201 });
 * }
 * ```
 *
 * @param request - the request whose body to read
 * @returns an operation yielding the parsed value
 */
export function* readJson<T = unknown>(request: Request): Operation<T> {
  const text = yield* readText(request);
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new InvalidJsonError((error as Error).message);
  }
}
