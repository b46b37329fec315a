import { type CrawlOptions, DEFAULT_USER_AGENT } from "./crawl-options.js";
import { InvalidCrawlOptionError } from "./invalid-crawl-option-error.js";

/** Internal to the crawl. The options a crawl runs with, defaults filled in. */
export interface CrawlSettings {
  concurrency: number;
  perHost: number;
  delayMs: number;
  maxPages: number;
  maxDepth: number;
  timeoutMs: number;
  retries: number;
  leaseMs: number;
  maxAttempts: number;
  pollMs: number;
  reclaimMs: number;
  handlerTimeoutMs: number;
  maxHosts: number;
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
  robots: boolean;
  /** The custom headers and the cookie header, names in lower case. */
  headers: Record<string, string>;
  revalidate: boolean;
  keepBodies: boolean;
}

function whole(name: string, value: number | undefined, fallback: number, min = 1): number {
  const v = value ?? fallback;
  if (!(Number.isInteger(v) || v === Number.POSITIVE_INFINITY) || v < min) {
    throw new InvalidCrawlOptionError(name, value, `an integer >= ${min}`);
  }
  return v;
}

/**
 * Internal to the crawl. Fill in the defaults of `options` (see {@link CrawlOptions}).
 *
 * @throws InvalidCrawlOptionError for a number out of range
 */
export function settingsOf(options: CrawlOptions): CrawlSettings {
  return {
    concurrency: whole("concurrency", options.concurrency, 16),
    perHost: whole("perHost", options.perHost, 4),
    delayMs: whole("delayMs", options.delayMs, 0, 0),
    maxPages: whole("maxPages", options.maxPages, Number.MAX_SAFE_INTEGER),
    maxDepth: whole("maxDepth", options.maxDepth, Number.POSITIVE_INFINITY, 0),
    timeoutMs: whole("timeoutMs", options.timeoutMs, 15_000),
    retries: whole("retries", options.retries, 3, 0),
    leaseMs: whole("leaseMs", options.leaseMs, 60_000),
    maxAttempts: whole("maxAttempts", options.maxAttempts, 5),
    pollMs: whole("pollMs", options.pollMs, 50),
    reclaimMs: whole("reclaimMs", options.reclaimMs, 1000),
    handlerTimeoutMs: whole("handlerTimeoutMs", options.handlerTimeoutMs, 30_000),
    maxHosts: whole("maxHosts", options.maxHosts, 1024),
    maxBytes: whole("maxBytes", options.maxBytes, 5 * 1024 * 1024),
    maxRedirects: whole("maxRedirects", options.maxRedirects, 5, 0),
    userAgent: userAgentOf(options.userAgent),
    robots: options.robots !== false,
    headers: headersOf(options),
    revalidate: options.revalidate === true,
    keepBodies: options.keepBodies === true,
  };
}

/**
 * Internal to the crawl. Whether `value` can be the `userAgent` option: it is also the
 * robots.txt token, so an empty one would match no group, and one with a line break would fail
 * every request.
 */
export function isUserAgent(value: unknown): value is string {
  return typeof value === "string" && value.trim() !== "" && !/[\r\n\0]/.test(value);
}

/** The `userAgent` option, or the default. */
function userAgentOf(value: string | undefined): string {
  if (value === undefined) return DEFAULT_USER_AGENT;
  if (!isUserAgent(value)) {
    throw new InvalidCrawlOptionError("userAgent", value, "a non-empty header value on one line");
  }
  return value;
}

/** The `headers` and `cookies` options as request headers. */
function headersOf(options: CrawlOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    headers[name.toLowerCase()] = value;
  }
  const cookies = Object.entries(options.cookies ?? {});
  if (cookies.length > 0) {
    const given = headers.cookie === undefined ? [] : [headers.cookie];
    headers.cookie = [...given, ...cookies.map(([name, value]) => `${name}=${value}`)].join("; ");
  }
  return headers;
}
