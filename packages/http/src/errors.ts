import { TimeoutError } from "@skein/core";

/**
 * The phase of an exchange a {@link HttpTimeoutError} interrupted: waiting for a connection,
 * waiting for the response headers, waiting for the next chunk of the body, or the whole exchange.
 *
 * @example
 * ```ts
 * import type { TimeoutPhase } from "@skein/http";
 *
 * const phase: TimeoutPhase = "headers";
 * ```
 */
export type TimeoutPhase = "connect" | "headers" | "body" | "total";

/**
 * A request ran out of time. It is a `TimeoutError` of `@skein/core` (code `"timeout"`, `ms`)
 * that also says which {@link TimeoutPhase} ran out, and for which URL.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { HttpTimeoutError, useHttpClient } from "@skein/http";
 *
 * await run(function* () {
 *   const client = yield* useHttpClient({ timeouts: { headers: 100 } });
 *   try {
 *     yield* client.text("http://127.0.0.1:8080/slow");
 *   } catch (error) {
 *     if (error instanceof HttpTimeoutError) console.log(error.phase, error.ms);
 *   }
 * });
 * ```
 */
export class HttpTimeoutError extends TimeoutError {
  override name = "HttpTimeoutError";
  constructor(
    readonly phase: TimeoutPhase,
    ms: number,
    readonly url: string,
  ) {
    super(ms, `${phase} timeout after ${ms}ms: ${url}`);
  }
}

/**
 * A response had a status outside 2xx where the caller asked for its body (`json`, `text`,
 * `bytes`). Carries the status, the URL and at most 1 KiB of the body as text.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { HttpStatusError, useHttpClient } from "@skein/http";
 *
 * await run(function* () {
 *   const client = yield* useHttpClient();
 *   try {
 *     yield* client.json("http://127.0.0.1:8080/missing");
 *   } catch (error) {
 *     if (error instanceof HttpStatusError) console.log(error.status, error.body);
 *   }
 * });
 * ```
 */
export class HttpStatusError extends Error {
  readonly code = "http-status";
  override name = "HttpStatusError";
  constructor(
    readonly status: number,
    readonly url: string,
    readonly body: string,
    readonly headers: Readonly<Record<string, string>>,
  ) {
    super(`HTTP ${status} from ${url}${body ? `: ${body.slice(0, 200)}` : ""}`);
  }
}

/**
 * No connection could be made (refused, unreachable, DNS failure; {@link TlsError} for a TLS
 * handshake that failed, such as an untrusted certificate).
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { ConnectError, useHttpClient } from "@skein/http";
 *
 * await run(function* () {
 *   const client = yield* useHttpClient();
 *   try {
 *     yield* client.text("http://127.0.0.1:1/");
 *   } catch (error) {
 *     if (error instanceof ConnectError) console.log(error.url);
 *   }
 * });
 * ```
 */
export class ConnectError extends Error {
  readonly code: "connect" | "tls" = "connect";
  override name = "ConnectError";
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`cannot connect to ${url}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

/**
 * The TLS handshake failed: the server's certificate is not trusted (self-signed, unknown CA,
 * expired) or not for this host, or the two sides share no protocol. A {@link ConnectError}
 * with code `"tls"`; `reason` is Node's own code, such as `DEPTH_ZERO_SELF_SIGNED_CERT`,
 * `UNABLE_TO_VERIFY_LEAF_SIGNATURE` or `ERR_TLS_CERT_ALTNAME_INVALID`. Never retried: trying
 * again meets the same certificate. Trust a private CA with the client's `tls: { ca }`.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { TlsError, useHttpClient } from "@skein/http";
 *
 * await run(function* () {
 *   const client = yield* useHttpClient();
 *   try {
 *     yield* client.text("https://self-signed.example/");
 *   } catch (error) {
 *     if (error instanceof TlsError) console.log(error.reason);
 *   }
 * });
 * ```
 */
export class TlsError extends ConnectError {
  override readonly code = "tls";
  override name = "TlsError";
  constructor(
    url: string,
    readonly reason: string,
    cause: unknown,
  ) {
    super(url, cause);
    this.message = `TLS handshake with ${url} failed (${reason}): ${(cause as Error)?.message ?? String(cause)}`;
  }
}

/**
 * A streamed request body failed: its source threw (the error is the `cause`), yielded
 * something other than bytes, or did not match the `content-length` it was sent with. The
 * request is aborted; it is never retried.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { RequestBodyError, useHttpClient } from "@skein/http";
 *
 * async function* broken() {
 *   yield new Uint8Array([1]);
 *   throw new Error("disk gone");
 * }
 * await run(function* () {
 *   const client = yield* useHttpClient();
 *   try {
 *     yield* client.post("http://127.0.0.1:8080/upload", { body: broken() });
 *   } catch (error) {
 *     if (error instanceof RequestBodyError) console.log(error.cause);
 *   }
 * });
 * ```
 */
export class RequestBodyError extends Error {
  readonly code = "request-body";
  override name = "RequestBodyError";
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(
      `the body of the request to ${url} failed: ${(cause as Error)?.message ?? String(cause)}`,
      {
        cause,
      },
    );
  }
}

/**
 * The connection broke after it was made: reset, or closed before the response was complete.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { SocketError, useHttpClient } from "@skein/http";
 *
 * await run(function* () {
 *   const client = yield* useHttpClient();
 *   try {
 *     yield* client.bytes("http://127.0.0.1:8080/flaky");
 *   } catch (error) {
 *     if (error instanceof SocketError) console.log("connection lost", error.url);
 *   }
 * });
 * ```
 */
export class SocketError extends Error {
  readonly code = "socket";
  override name = "SocketError";
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`connection lost with ${url}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

/**
 * A response body was larger than `maxResponseBytes`. Raised from the announced
 * `content-length` before reading, or as soon as the bytes read pass the limit.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { ResponseTooLargeError, useHttpClient } from "@skein/http";
 *
 * await run(function* () {
 *   const client = yield* useHttpClient({ maxResponseBytes: 1024 });
 *   try {
 *     yield* client.bytes("http://127.0.0.1:8080/big");
 *   } catch (error) {
 *     if (error instanceof ResponseTooLargeError) console.log(error.limit);
 *   }
 * });
 * ```
 */
export class ResponseTooLargeError extends Error {
  readonly code = "response-too-large";
  override name = "ResponseTooLargeError";
  constructor(
    readonly limit: number,
    readonly received: number,
    readonly url: string,
  ) {
    super(`response from ${url} is larger than ${limit} bytes (${received} seen)`);
  }
}

/**
 * A chain of redirects was longer than `maxRedirects`.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { TooManyRedirectsError, useHttpClient } from "@skein/http";
 *
 * await run(function* () {
 *   const client = yield* useHttpClient({ maxRedirects: 3 });
 *   try {
 *     yield* client.text("http://127.0.0.1:8080/loop");
 *   } catch (error) {
 *     if (error instanceof TooManyRedirectsError) console.log(error.chain);
 *   }
 * });
 * ```
 */
export class TooManyRedirectsError extends Error {
  readonly code = "too-many-redirects";
  override name = "TooManyRedirectsError";
  constructor(
    readonly maxRedirects: number,
    readonly chain: readonly string[],
  ) {
    super(`more than ${maxRedirects} redirects, starting at ${chain[0]}`);
  }
}

/**
 * A URL could not be parsed, or its protocol is not `http:` or `https:`.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { InvalidUrlError, useHttpClient } from "@skein/http";
 *
 * await run(function* () {
 *   const client = yield* useHttpClient();
 *   try {
 *     yield* client.get("not a url");
 *   } catch (error) {
 *     if (error instanceof InvalidUrlError) console.log(error.url);
 *   }
 * });
 * ```
 */
export class InvalidUrlError extends Error {
  readonly code = "invalid-url";
  override name = "InvalidUrlError";
  constructor(
    readonly url: string,
    reason = "not an absolute http(s) URL",
  ) {
    super(`invalid URL ${JSON.stringify(url)}: ${reason}`);
  }
}

/**
 * The server answered with something that is not valid HTTP: a malformed status line or header,
 * headers larger than the client accepts, a broken chunked encoding, or a compressed body that
 * does not decompress. `reason` names what was wrong: undici's parser code (such as
 * `HPE_INVALID_CONSTANT`), `headers-too-large` or `decompression`. Never retried.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { MalformedResponseError, useHttpClient } from "@skein/http";
 *
 * await run(function* () {
 *   const client = yield* useHttpClient();
 *   try {
 *     yield* client.text("http://127.0.0.1:8080/not-http");
 *   } catch (error) {
 *     if (error instanceof MalformedResponseError) console.log(error.reason, error.url);
 *   }
 * });
 * ```
 */
export class MalformedResponseError extends Error {
  readonly code = "malformed-response";
  override name = "MalformedResponseError";
  constructor(
    readonly url: string,
    readonly reason: string,
    cause: unknown,
    /** The status, when the headers were read before the body turned out malformed. */
    readonly status?: number,
  ) {
    super(
      `malformed response from ${url} (${reason}): ${(cause as Error)?.message ?? String(cause)}`,
      { cause },
    );
  }
}

/**
 * A response body read with `json()` is not JSON: empty (as the body of a `204` is), or text
 * that does not parse. Carries the URL, the status and the start of the body.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { InvalidResponseJsonError, useHttpClient } from "@skein/http";
 *
 * await run(function* () {
 *   const client = yield* useHttpClient();
 *   try {
 *     yield* client.json("http://127.0.0.1:8080/page.html");
 *   } catch (error) {
 *     if (error instanceof InvalidResponseJsonError) console.log(error.status, error.body);
 *   }
 * });
 * ```
 */
export class InvalidResponseJsonError extends Error {
  readonly code = "invalid-response-json";
  override name = "InvalidResponseJsonError";
  constructor(
    readonly url: string,
    readonly status: number,
    /** At most the first 1 KiB of the body. */
    readonly body: string,
    readonly reason: string,
  ) {
    super(`the body of ${url} (HTTP ${status}) is not JSON: ${reason}`);
  }
}

/**
 * A request could not be sent as given: a body of a type the client cannot send, a header
 * name or value HTTP does not allow, or an option out of range. Raised at the call, before
 * anything goes on the wire; `value` is the offending value.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { InvalidRequestError, useHttpClient } from "@skein/http";
 *
 * await run(function* () {
 *   const client = yield* useHttpClient();
 *   try {
 *     yield* client.post("http://127.0.0.1:8080/", { body: 42 as never });
 *   } catch (error) {
 *     if (error instanceof InvalidRequestError) console.log(error.message, error.value);
 *   }
 * });
 * ```
 */
export class InvalidRequestError extends TypeError {
  readonly code = "invalid-request";
  override name = "InvalidRequestError";
  constructor(
    message: string,
    readonly value: unknown,
    readonly url?: string,
  ) {
    super(url === undefined ? message : `${message} (${url})`);
  }
}
