import { InvalidRequestError } from "./errors.js";
/**
 * When and how a client retries a request. Retries are opt-in: pass `retry: true` for these
 * defaults, or an object to change some of them.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { type RetryOptions, useHttpClient } from "@skein/http";
 *
 * const retry: RetryOptions = { attempts: 5, baseDelayMs: 50, maxRetryAfterMs: 10_000 };
 * await run(function* () {
 *   const client = yield* useHttpClient({ retry });
 *   yield* client.text("http://127.0.0.1:8080/flaky");
 * });
 * ```
 */
export interface RetryOptions {
  /** Attempts in all, the first included. Default 3. */
  attempts?: number;
  /** Methods that may be retried. Default: the idempotent ones (GET HEAD OPTIONS PUT DELETE TRACE). */
  methods?: readonly string[];
  /** Response statuses that are retried. Default 408, 429, 500, 502, 503, 504. */
  statuses?: readonly number[];
  /** First backoff step in milliseconds, doubled at each retry, with jitter. Default 100. */
  baseDelayMs?: number;
  /** Largest backoff in milliseconds. Default 5000. */
  maxDelayMs?: number;
  /** A `Retry-After` longer than this many milliseconds ends the retries. Default 30000. */
  maxRetryAfterMs?: number;
}

/** Internal. {@link RetryOptions} with every default filled in. */
export interface RetryPolicy {
  attempts: number;
  methods: ReadonlySet<string>;
  statuses: ReadonlySet<number>;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
}

const IDEMPOTENT = ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"];
const RETRIED_STATUSES = [408, 429, 500, 502, 503, 504];

/** Internal. Fill in the defaults; `undefined` means no retries. */
export function createRetryPolicy(
  options: RetryOptions | boolean | undefined,
): RetryPolicy | undefined {
  if (options === undefined || options === false) return undefined;
  const o = options === true ? {} : options;
  const attempts = o.attempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new InvalidRequestError(
      `retry.attempts must be a positive integer, got ${String(attempts)}`,
      attempts,
    );
  }
  return {
    attempts,
    methods: new Set((o.methods ?? IDEMPOTENT).map((m) => m.toUpperCase())),
    statuses: new Set(o.statuses ?? RETRIED_STATUSES),
    baseDelayMs: o.baseDelayMs ?? 100,
    maxDelayMs: o.maxDelayMs ?? 5000,
    maxRetryAfterMs: o.maxRetryAfterMs ?? 30_000,
  };
}

/** Internal. Exponential backoff with jitter: half the step fixed, half random. */
export function backoff(policy: RetryPolicy, retry: number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return step / 2 + Math.random() * (step / 2);
}

/** The three forms of HTTP-date RFC 9110 (section 5.6.7) has a recipient accept. */
const HTTP_DATE = [
  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  // obsolete RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
  /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  // obsolete asctime: Sun Nov  6 08:49:37 1994
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];

/**
 * Internal. The delay a `Retry-After` header asks for, in milliseconds, as RFC 9110 (section
 * 10.2.3) defines it: delay-seconds (a non-negative integer) or an HTTP-date. Anything else
 * (`"1.5"`, `"-5"`, `"soon"`) is ignored: `undefined`, as when the header is absent.
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now: number,
): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!HTTP_DATE.some((form) => form.test(trimmed))) return undefined;
  // asctime has no zone: it is GMT, which Date.parse would not assume.
  const at = Date.parse(trimmed.endsWith("GMT") ? trimmed : `${trimmed} GMT`);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
