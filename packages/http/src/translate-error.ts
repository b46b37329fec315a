import type { PhaseTimeouts } from "./attempt.js";
import {
  ConnectError,
  HttpTimeoutError,
  InvalidRequestError,
  MalformedResponseError,
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

/**
 * Internal. Turn what undici or the socket threw into one of this package's typed errors;
 * `status` is the response's, when its headers had arrived (0 before). Anything unknown is
 * a {@link SocketError} carrying it as `cause`: nothing untyped reaches the caller.
 */
export function translateError(
  error: unknown,
  url: string,
  timeouts: PhaseTimeouts,
  status = 0,
): Error {
  if (
    error instanceof MalformedResponseError ||
    error instanceof InvalidRequestError ||
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
  const seen = status === 0 ? undefined : status;
  if ((error as Error | null)?.name === "HTTPParserError" || String(code).startsWith("HPE_")) {
    return new MalformedResponseError(
      url,
      typeof code === "string" ? code : "HPE_INVALID",
      error,
      seen,
    );
  }
  if (typeof code !== "string") return new SocketError(url, error);
  if (code === "UND_ERR_HEADERS_OVERFLOW") {
    return new MalformedResponseError(url, "headers-too-large", error, seen);
  }
  if (code === "UND_ERR_INVALID_ARG" || code === "UND_ERR_NOT_SUPPORTED") {
    return new InvalidRequestError((error as Error).message, error, url);
  }
  if (code === "UND_ERR_CONNECT_TIMEOUT")
    return new HttpTimeoutError("connect", timeouts.connect, url);
  if (code === "UND_ERR_HEADERS_TIMEOUT")
    return new HttpTimeoutError("headers", timeouts.headers, url);
  if (code === "UND_ERR_BODY_TIMEOUT") return new HttpTimeoutError("body", timeouts.body, url);
  if (isTlsCode(code)) return new TlsError(url, code, error);
  if (CONNECT_CODES.has(code)) return new ConnectError(url, error);
  if (code === "UND_ERR_REQ_CONTENT_LENGTH_MISMATCH") return new RequestBodyError(url, error);
  return new SocketError(url, error);
}

/** Internal. Whether a request that failed this way may be sent again. */
export function isConnectionFailure(error: unknown): boolean {
  return (
    (error instanceof ConnectError && !(error instanceof TlsError)) ||
    error instanceof SocketError ||
    (error instanceof HttpTimeoutError && error.phase === "connect")
  );
}
