import type { PhaseTimeouts } from "./attempt.js";
import {
  ConnectError,
  HttpTimeoutError,
  ResponseTooLargeError,
  SocketError,
  TooManyRedirectsError,
} from "./errors.js";

const CONNECT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "CERT_HAS_EXPIRED",
]);

const SOCKET_CODES = new Set([
  "UND_ERR_SOCKET",
  "ECONNRESET",
  "EPIPE",
  "ECONNABORTED",
  "UND_ERR_CLOSED",
  "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
]);

/** Internal. Turn what undici or the socket threw into one of this package's typed errors. */
export function translateError(error: unknown, url: string, timeouts: PhaseTimeouts): unknown {
  if (
    error instanceof HttpTimeoutError ||
    error instanceof ResponseTooLargeError ||
    error instanceof TooManyRedirectsError ||
    error instanceof ConnectError ||
    error instanceof SocketError
  ) {
    return error;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return error;
  if (code === "UND_ERR_CONNECT_TIMEOUT")
    return new HttpTimeoutError("connect", timeouts.connect, url);
  if (code === "UND_ERR_HEADERS_TIMEOUT")
    return new HttpTimeoutError("headers", timeouts.headers, url);
  if (code === "UND_ERR_BODY_TIMEOUT") return new HttpTimeoutError("body", timeouts.body, url);
  if (CONNECT_CODES.has(code)) return new ConnectError(url, error);
  if (SOCKET_CODES.has(code)) return new SocketError(url, error);
  return error;
}

/** Internal. Whether a request that failed this way may be sent again. */
export function isConnectionFailure(error: unknown): boolean {
  return (
    error instanceof ConnectError ||
    error instanceof SocketError ||
    (error instanceof HttpTimeoutError && error.phase === "connect")
  );
}
