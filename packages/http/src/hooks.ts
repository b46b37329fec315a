import type { Operation } from "@skein/core";
import type { HttpResponse } from "./response.js";

/**
 * One request as it goes on the wire, as a hook sees it: each redirect and each retry is a
 * request of its own. `headers` (lower-case names) may be changed by `onRequest`, to add a
 * token or a trace id.
 *
 * @example
 * ```ts
 * import type { HttpRequestInfo } from "@skein/http";
 *
 * function sign(request: HttpRequestInfo) {
 *   request.headers.authorization = `Bearer ${process.env.TOKEN}`;
 * }
 * ```
 */
export interface HttpRequestInfo {
  readonly method: string;
  readonly url: URL;
  headers: Record<string, string>;
}

/**
 * Functions a client calls around each request on the wire: `onRequest` before it is sent
 * (it may change the headers), `onResponse` once its status and headers have arrived (its body
 * is the caller's: a hook that reads it leaves nothing to read). Either may be a plain function
 * or return an operation, which the request waits for; a hook that throws fails the request
 * with that error.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { useHttpClient } from "@skein/http";
 *
 * await run(function* () {
 *   const client = yield* useHttpClient({
 *     hooks: {
 *       onRequest(request) {
 *         request.headers["x-trace-id"] = crypto.randomUUID();
 *       },
 *       onResponse(response, request) {
 *         console.log(request.method, request.url.href, response.status);
 *       },
 *     },
 *   });
 *   yield* client.text("http://127.0.0.1:8080/");
 * });
 * ```
 */
export interface HttpHooks {
  onRequest?(request: HttpRequestInfo): Operation<void> | void;
  onResponse?(response: HttpResponse, request: HttpRequestInfo): Operation<void> | void;
}

/** Internal. Run a hook's result: an operation is waited for, anything else ignored. */
export function* runHook(result: Operation<void> | void): Operation<void> {
  if (result !== undefined && typeof result[Symbol.iterator] === "function") yield* result;
}
