import type { PhaseTimeouts } from "./attempt.js";
import {
  ConnectError,
  HttpTimeoutError,
  RequestBodyError,
  ResponseTooLargeError,
  SocketError,
  TlsError,
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
]);

/** OpenSSL's certificate verification codes, as Node reports them. */
const CERTIFICATE_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_CRL",
  "UNABLE_TO_DECRYPT_CERT_SIGNATURE",
  "UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY",
  "CERT_SIGNATURE_FAILURE",
  "CERT_NOT_YET_VALID",
  "CERT_HAS_EXPIRED",
  "CERT_REVOKED",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_CHAIN_TOO_LONG",
  "INVALID_CA",
  "INVALID_PURPOSE",
  "PATH_LENGTH_EXCEEDED",
  "HOSTNAME_MISMATCH",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** Whether `code` says the TLS handshake failed. */
function isTlsCode(code: string): boolean {
  return CERTIFICATE_CODES.has(code) || code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_");
}

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
    error instanceof SocketError ||
    error instanceof RequestBodyError
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
  if (isTlsCode(code)) return new TlsError(url, code, error);
  if (CONNECT_CODES.has(code)) return new ConnectError(url, error);
  if (code === "UND_ERR_REQ_CONTENT_LENGTH_MISMATCH") return new RequestBodyError(url, error);
  if (SOCKET_CODES.has(code)) return new SocketError(url, error);
  return error;
}

/** Internal. Whether a request that failed this way may be sent again. */
export function isConnectionFailure(error: unknown): boolean {
  return (
    (error instanceof ConnectError && !(error instanceof TlsError)) ||
    error instanceof SocketError ||
    (error instanceof HttpTimeoutError && error.phase === "connect")
  );
}
