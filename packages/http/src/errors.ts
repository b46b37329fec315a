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
