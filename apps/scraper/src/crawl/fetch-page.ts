import type { IncomingHttpHeaders } from "node:http";
import { createBackoff, type Operation, scoped, sleep, timeout } from "@skein/core";
import type { HttpClient } from "@skein/http";
import { parseRetryAfter } from "./retry-after.js";

/** Internal to the crawl. How to fetch one page. */
export interface FetchSettings {
  userAgent: string;
  timeoutMs: number;
  /** Retries after the first attempt. */
  retries: number;
  maxBytes: number;
  maxRedirects: number;
  /** The longest Retry-After honoured; a longer one ends the retries. */
  maxRetryAfterMs: number;
  /**
   * Whether a response that came from `url` after redirects may be used: true, or the error
   * code to record (`false` means `unsafe-redirect`).
   */
  allowsUrl(url: string): Operation<boolean | "out-of-scope" | "unsafe-redirect">;
  /** Wraps each attempt: the per-host slot and delay. */
  gate<T>(operation: () => Operation<T>): Operation<T>;
  /** A retryable response said how long to wait (`Retry-After`): hold the host back that long. */
  backoff?(ms: number): Operation<void>;
  /** Sent besides `user-agent` and `accept`: custom ones, cookies, conditional ones. */
  headers?: Record<string, string>;
}

/** Internal to the crawl. What came back for one URL after retries. */
export interface Fetched {
  status: number | null;
  contentType: string | null;
  /** Set for a 2xx HTML response: the body as received (decoded where it is parsed). */
  body?: Uint8Array;
  /** The URL that answered, after redirects. */
  finalUrl: string;
  /** The response's headers (none for a fetch that got no response). */
  headers?: IncomingHttpHeaders;
  bytes: number;
  retries: number;
  /**
   * Time the requests took, every attempt's summed: from taking the host's slot to the body's
   * last byte. Waiting for a slot or the host's delay and sleeping before a retry do not count.
   */
  elapsedMs: number;
  /** A stable code for a fetch that got no usable response. */
  error: string | null;
}

const RETRIED = new Set([408, 429, 500, 502, 503, 504]);
const HTML = /^\s*(text\/html|application\/xhtml\+xml)\b/i;

type Attempt =
  | { kind: "response"; fetched: Omit<Fetched, "retries" | "elapsedMs">; retryAfterMs?: number }
  | { kind: "error"; error: string; retryable: boolean };

/**
 * Internal to the crawl. GET `url` within `timeoutMs` per attempt, retrying 408/429/5xx
 * (waiting as Retry-After asks) and network failures with exponential backoff. Failures become
 * an `error` code, never an exception.
 */
export function* fetchPage(
  client: HttpClient,
  url: string,
  settings: FetchSettings,
): Operation<Fetched> {
  const backoff = createBackoff({ initial: 200, max: 5000 });
  let spent = 0;
  for (let attempt = 1; ; attempt++) {
    const result = yield* settings.gate(function* () {
      const started = performance.now();
      try {
        return yield* fetchOnce(client, url, settings);
      } finally {
        spent += performance.now() - started;
      }
    });
    const retries = attempt - 1;
    const elapsedMs = Math.round(spent);
    if (result.kind === "response") {
      const retryable = result.fetched.status !== null && RETRIED.has(result.fetched.status);
      const waitMs = result.retryAfterMs ?? backoff(attempt);
      if (!retryable || attempt > settings.retries || waitMs > settings.maxRetryAfterMs) {
        return { ...result.fetched, retries, elapsedMs };
      }
      if (result.retryAfterMs !== undefined && settings.backoff !== undefined) {
        yield* settings.backoff(result.retryAfterMs);
      }
      yield* sleep(waitMs);
    } else {
      if (!result.retryable || attempt > settings.retries) {
        return {
          status: null,
          contentType: null,
          finalUrl: url,
          bytes: 0,
          retries,
          elapsedMs,
          error: result.error,
        };
      }
      yield* sleep(backoff(attempt));
    }
  }
}

function fetchOnce(client: HttpClient, url: string, settings: FetchSettings): Operation<Attempt> {
  return scoped(function* () {
    try {
      return yield* timeout(settings.timeoutMs, exchange(client, url, settings));
    } catch (error) {
      const code = codeOf(error);
      return {
        kind: "error",
        error: code,
        retryable: code === "timeout" || code === "connect" || code === "socket",
      };
    }
  });
}

function* exchange(client: HttpClient, url: string, settings: FetchSettings): Operation<Attempt> {
  const limit = settings.timeoutMs;
  const response = yield* client.get(url, {
    headers: {
      accept: "text/html,*/*;q=0.5",
      ...settings.headers,
      "user-agent": settings.userAgent,
    },
    timeouts: { connect: limit, headers: limit, body: limit },
    retry: false,
    maxRedirects: settings.maxRedirects,
    maxResponseBytes: settings.maxBytes,
  });
  const finalUrl = response.url;
  if (finalUrl !== url) {
    // A code says why: out of the crawl's scope, or onto a private address.
    const allowed = yield* settings.allowsUrl(finalUrl);
    if (allowed !== true) {
      const error = allowed === false ? "unsafe-redirect" : allowed;
      return { kind: "error", error, retryable: false };
    }
  }
  const header = response.headers["content-type"];
  const contentType = (Array.isArray(header) ? header[0] : header) ?? null;
  const length = Number(response.headers["content-length"] ?? Number.NaN);
  if (length > settings.maxBytes) {
    return { kind: "error", error: "response-too-large", retryable: false };
  }
  const base = {
    status: response.status,
    contentType,
    finalUrl,
    headers: response.headers,
    error: null,
  };
  if (RETRIED.has(response.status)) {
    const retryAfterMs = parseRetryAfter(response.headers["retry-after"]);
    return {
      kind: "response",
      fetched: { ...base, bytes: 0 },
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  if (response.ok && contentType !== null && HTML.test(contentType)) {
    const body = yield* response.bytes();
    return { kind: "response", fetched: { ...base, body, bytes: body.byteLength } };
  }
  return { kind: "response", fetched: { ...base, bytes: Number.isFinite(length) ? length : 0 } };
}

function codeOf(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string") return code;
    if (error instanceof Error) return error.name;
  }
  return "unknown";
}
