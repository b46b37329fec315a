import type { Operation } from "@skein/core";
import type { Handler } from "./router.js";

/**
 * What a {@link Middleware} calls to run the rest of the chain (the next middleware, then the
 * handler), optionally with another request. It may be called more than once, or not at all.
 *
 * @example
 * ```ts
 * import type { Next } from "@skein/http";
 *
 * function* passOn(request: Request, next: Next) {
 *   return yield* next(request);
 * }
 * ```
 */
export type Next = (request?: Request) => Operation<Response>;

/**
 * An operation wrapped around a handler, in the onion model: code before `yield* next()` runs
 * on the way in, code after it on the way out, and not calling `next` answers in the handler's
 * place. It runs in the request's own task, so a context it sets (`createContext` of
 * `@skein/core`) is seen by the handler, and what it throws is answered as a handler's error is
 * (a `RequestError` with its status, anything else a logged 500).
 *
 * @example
 * ```ts
 * import { createContext } from "@skein/core";
 * import { type Middleware, RequestError } from "@skein/http";
 *
 * const User = createContext<string>("user");
 * const auth: Middleware = function* (request, next) {
 *   const token = request.headers.get("authorization");
 *   if (token !== "Bearer secret") throw new RequestError(401, "unauthorized", "log in first");
 *   yield* User.set("ada");
 *   const response = yield* next();
 *   response.headers.set("x-user", "ada");
 *   return response;
 * };
 * ```
 */
export type Middleware = (request: Request, next: Next) => Operation<Response>;

/**
 * A handler that runs `middleware` in order (the first is the outermost) around `handler`.
 *
 * @example
 * ```ts
 * import { type Middleware, useHttpServer, withMiddleware } from "@skein/http";
 * import { run } from "@skein/core";
 *
 * const timing: Middleware = function* (request, next) {
 *   const start = performance.now();
 *   const response = yield* next();
 *   console.log(request.method, request.url, response.status, performance.now() - start);
 *   return response;
 * };
 * await run(function* () {
 *   yield* useHttpServer({
 *     handler: withMiddleware(function* () { return new Response("hi"); }, timing),
 *   });
 * });
 * ```
 *
 * @param handler - the innermost handler
 * @param middleware - the layers around it, outermost first
 * @returns the composed handler
 */
export function withMiddleware(handler: Handler, ...middleware: Middleware[]): Handler {
  if (middleware.length === 0) return handler;
  const layers = [...middleware];
  const at = (index: number, request: Request): Operation<Response> =>
    index === layers.length
      ? handler(request)
      : layers[index]!(request, (next = request) => at(index + 1, next));
  return (request) => at(0, request);
}
