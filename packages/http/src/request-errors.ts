/**
 * An error in what the client sent. Thrown from a handler, it becomes a response with its
 * `status` and a JSON body `{ "error": { "code", "message" } }`; the message is meant for the
 * client, so keep secrets out of it.
 *
 * @example
 * ```ts
 * import { RequestError } from "@skein/http";
 *
 * function* handler(request: Request) {
 *   if (!request.headers.get("authorization")) {
 *     throw new RequestError(401, "unauthorized", "log in first");
 *   }
 *   return new Response("welcome");
 * }
 * ```
 */
export class RequestError extends Error {
  override name = "RequestError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A request body that should have been JSON was not (status 400, code `"invalid-json"`).
 *
 * @example
 * ```ts
 * import { InvalidJsonError, readJson } from "@skein/http";
 *
 * function* handler(request: Request) {
 *   try {
 *     return Response.json(yield* readJson(request));
 *   } catch (error) {
 *     if (error instanceof InvalidJsonError) console.log(error.reason);
 *     throw error;
 *   }
 * }
 * ```
 */
export class InvalidJsonError extends RequestError {
  override name = "InvalidJsonError";
  constructor(readonly reason: string) {
    super(400, "invalid-json", `the request body is not valid JSON: ${reason}`);
  }
}

/**
 * A request body was larger than the server's `maxBodyBytes` (status 413, code
 * `"payload-too-large"`).
 *
 * @example
 * ```ts
 * import { PayloadTooLargeError } from "@skein/http";
 *
 * const error = new PayloadTooLargeError(1024, 2048);
 * console.log(error.status, error.limit); // 413 1024
 * ```
 */
export class PayloadTooLargeError extends RequestError {
  override name = "PayloadTooLargeError";
  constructor(
    readonly limit: number,
    readonly received: number,
  ) {
    super(413, "payload-too-large", `the request body is larger than ${limit} bytes`);
  }
}
