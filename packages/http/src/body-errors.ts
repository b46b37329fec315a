/**
 * A response body was read twice: a body is a one-shot stream.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { BodyUsedError, useHttpClient } from "@skein/http";
 *
 * await run(function* () {
 *   const client = yield* useHttpClient();
 *   const response = yield* client.get("http://127.0.0.1:8080/");
 *   yield* response.text();
 *   try { yield* response.text(); } catch (e) { console.log(e instanceof BodyUsedError); }
 * });
 * ```
 */
export class BodyUsedError extends Error {
  readonly code = "body-used";
  override name = "BodyUsedError";
  constructor(readonly url: string) {
    super(`the body of ${url} has already been read`);
  }
}
