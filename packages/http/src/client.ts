import type { ConnectionOptions } from "node:tls";
import { createSemaphore, type Operation, resource, type Semaphore, until } from "@skein/core";
import { Agent } from "undici";
import { InvalidUrlError } from "./errors.js";
import { type ClientConfig, Exchange } from "./exchange.js";
import type { HttpResponse, ResponseImpl } from "./response.js";
import { createRetryPolicy, type RetryOptions } from "./retry-policy.js";
import type { RequestBody } from "./upload.js";

/**
 * Time limits in milliseconds; leave one out (or pass `Infinity`) for no limit. The `total`
 * limit covers redirects, retries and reading the body; the nearest enclosing deadline of
 * `@skein/core` (`timeout()`, `deadline()`) shortens it.
 *
 * @example
 * ```ts
 * import type { HttpTimeouts } from "@skein/http";
 *
 * const timeouts: HttpTimeouts = { connect: 1000, headers: 5000, body: 5000, total: 30_000 };
 * ```
 */
export interface HttpTimeouts {
  /** From sending until the request has a connected socket (queueing included). Default 10000. */
  connect?: number;
  /** From the socket until the response headers. Default 30000. */
  headers?: number;
  /** Longest wait for the next chunk of the body while it is being read. Default 30000. */
  body?: number;
  /** The whole exchange. Default none. */
  total?: number;
}

/**
 * What one request sends. `json` is serialized and sets `content-type`; `query` is appended to
 * the URL. Per-request `timeouts`, `retry`, `maxRedirects` and `maxResponseBytes` override the
 * client's.
 *
 * @example
 * ```ts
 * import type { RequestOptions } from "@skein/http";
 *
 * const options: RequestOptions = { method: "PUT", json: { name: "ada" }, timeouts: { total: 500 } };
 * ```
 */
export interface RequestOptions {
  /** Default GET. */
  method?: string;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  /**
   * A string, bytes, or a {@link StreamedBody} (a Skein `Stream`, an `AsyncIterable` or a
   * Node `Readable` of bytes) sent as it is produced, with backpressure and chunked encoding
   * unless `headers` has a `content-length`. A streamed body is sent once: the request is
   * retried, or a redirect followed, only while nothing has been pulled from it.
   */
  body?: RequestBody;
  json?: unknown;
  timeouts?: HttpTimeouts;
  retry?: RetryOptions | boolean;
  maxRedirects?: number;
  maxResponseBytes?: number;
  /** For `json`, `text` and `bytes`: throw `HttpStatusError` on a non-2xx status. Default true. */
  throwOnStatus?: boolean;
}

/**
 * How a client checks the servers it talks HTTPS to, and how it presents itself: the options
 * of Node's `tls.connect` that concern trust. By default the server's certificate must chain to
 * one of Node's bundled CAs and name the host; a failed check is a `TlsError`.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import type { HttpTlsOptions } from "@skein/http";
 *
 * const tls: HttpTlsOptions = { ca: readFileSync("internal-ca.pem") };
 * ```
 */
export type HttpTlsOptions = Pick<
  ConnectionOptions,
  | "ca"
  | "cert"
  | "key"
  | "pfx"
  | "passphrase"
  | "rejectUnauthorized"
  | "servername"
  | "checkServerIdentity"
  | "minVersion"
  | "maxVersion"
  | "ciphers"
>;

/**
 * How a client connects. Defaults: no base URL, unlimited requests in flight, unlimited
 * sockets per origin, keep-alive on, the {@link HttpTimeouts} defaults, no retries, 64 MiB
 * responses, 5 redirects.
 *
 * @example
 * ```ts
 * import type { HttpClientOptions } from "@skein/http";
 *
 * const options: HttpClientOptions = {
 *   baseUrl: "http://127.0.0.1:8080",
 *   connections: 32,
 *   perHost: 8,
 *   retry: true,
 *   headers: { "user-agent": "skein" },
 * };
 * ```
 */
export interface HttpClientOptions {
  /** Relative URLs are resolved against it. */
  baseUrl?: string | URL;
  /** Requests in flight at once across the client; more wait their turn. */
  connections?: number;
  /** Sockets per origin. */
  perHost?: number;
  /** Keep idle sockets for reuse, for `idleMs` (default 4000). */
  keepAlive?: boolean | { idleMs?: number };
  timeouts?: HttpTimeouts;
  retry?: RetryOptions | boolean;
  /** Sent with every request; a request's own headers win. */
  headers?: Record<string, string>;
  maxResponseBytes?: number;
  maxRedirects?: number;
  /**
   * For HTTPS: the CAs to trust instead of Node's bundled ones (`ca`), a client certificate
   * (`cert`, `key`), or `rejectUnauthorized: false` to accept any certificate (tests only).
   */
  tls?: HttpTlsOptions;
}

/**
 * An HTTP client bound to a scope. Every operation is halted with its caller: the request is
 * aborted at once and its socket closed.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { useHttpClient } from "@skein/http";
 *
 * await run(function* () {
 *   const client = yield* useHttpClient({ baseUrl: "http://127.0.0.1:8080" });
 *   const item = yield* client.json<{ id: string }>("/items/1");
 *   yield* client.post("/items", { json: { name: "ada" } });
 * });
 * ```
 */
export interface HttpClient {
  /** Send a request; the response (and its socket) belongs to the calling scope. */
  request(url: string | URL, options?: RequestOptions): Operation<HttpResponse>;
  /** `request` with method GET. */
  get(url: string | URL, options?: RequestOptions): Operation<HttpResponse>;
  /** `request` with method POST. */
  post(url: string | URL, options?: RequestOptions): Operation<HttpResponse>;
  /** Send a request and parse the response body as JSON. */
  json<T = unknown>(url: string | URL, options?: RequestOptions): Operation<T>;
  /** Send a request and read the response body as UTF-8 text. */
  text(url: string | URL, options?: RequestOptions): Operation<string>;
  /** Send a request and read the response body as bytes. */
  bytes(url: string | URL, options?: RequestOptions): Operation<Uint8Array>;
}

const DEFAULT_TIMEOUTS = { connect: 10_000, headers: 30_000, body: 30_000, total: Infinity };

/**
 * Start an HTTP client (an undici `Agent`) that lives as long as the current scope; when the
 * scope ends every socket it opened is closed.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { useHttpClient } from "@skein/http";
 *
 * await run(function* () {
 *   const client = yield* useHttpClient({ timeouts: { total: 2000 }, retry: true });
 *   console.log(yield* client.text("http://127.0.0.1:8080/"));
 * });
 * ```
 *
 * @param options - see {@link HttpClientOptions}
 * @returns an operation yielding the {@link HttpClient}
 */
export function useHttpClient(options: HttpClientOptions = {}): Operation<HttpClient> {
  return resource<HttpClient>(function* (provide) {
    const timeouts = resolveTimeouts(DEFAULT_TIMEOUTS, options.timeouts);
    const keepAlive = options.keepAlive ?? true;
    const idleMs = typeof keepAlive === "object" ? (keepAlive.idleMs ?? 4000) : 4000;
    const agent = new Agent({
      connections: positive("perHost", options.perHost) ?? null,
      keepAliveTimeout: idleMs,
      keepAliveMaxTimeout: Math.max(idleMs, 600_000),
      headersTimeout: 0,
      bodyTimeout: 0,
      connectTimeout: timeouts.connect === Infinity ? 0 : timeouts.connect + 1000,
      ...(options.tls === undefined ? {} : { connect: { ...options.tls } }),
    });
    const config: ClientConfig = {
      dispatcher: agent,
      timeouts,
      retry: createRetryPolicy(options.retry),
      maxRedirects: options.maxRedirects ?? 5,
      maxResponseBytes: options.maxResponseBytes ?? 64 * 1024 * 1024,
      reset: keepAlive === false,
    };
    const base = options.baseUrl === undefined ? undefined : parseUrl(options.baseUrl);
    const defaults = lowerCase(options.headers);
    const limit = positive("connections", options.connections);
    const permits = limit === undefined ? undefined : createSemaphore(limit);
    const client = createClient(config, base, defaults, permits);
    try {
      yield* provide(client);
    } finally {
      yield* until(agent.destroy());
    }
  });
}

function createClient(
  config: ClientConfig,
  base: URL | undefined,
  defaults: Record<string, string>,
  permits: Semaphore | undefined,
): HttpClient {
  const urls = new UrlCache(base);
  const prepare = (url: string | URL, options: RequestOptions, method?: string) =>
    prepareExchange(config, urls, defaults, url, options, method);

  const request = (url: string | URL, options: RequestOptions = {}, method?: string) =>
    resource<HttpResponse>(function* (provide) {
      const exchange = prepare(url, options, method);
      if (permits !== undefined) yield* permits.acquire();
      try {
        yield* provide(yield* exchange.send());
      } finally {
        yield* exchange.release();
      }
    });

  function* read<T>(
    url: string | URL,
    options: RequestOptions,
    body: (response: ResponseImpl) => Operation<T>,
  ): Operation<T> {
    const exchange = prepare(url, options);
    try {
      const response = yield* exchange.send();
      if (!response.ok && options.throwOnStatus !== false) throw yield* response.statusError();
      return yield* body(response);
    } finally {
      yield* exchange.release();
    }
  }

  const readLimited = <T>(
    url: string | URL,
    options: RequestOptions = {},
    body: (response: ResponseImpl) => Operation<T>,
  ): Operation<T> =>
    permits === undefined
      ? read(url, options, body)
      : permits.withPermit(() => read(url, options, body));

  return {
    request: (url, options) => request(url, options),
    get: (url, options) => request(url, options, "GET"),
    post: (url, options) => request(url, options, "POST"),
    json: <T>(url: string | URL, options?: RequestOptions) =>
      readLimited(url, options, (response) => response.json<T>()),
    text: (url, options) => readLimited(url, options, (response) => response.text()),
    bytes: (url, options) => readLimited(url, options, (response) => response.bytes()),
  };
}

function prepareExchange(
  config: ClientConfig,
  urls: UrlCache,
  defaults: Record<string, string>,
  input: string | URL,
  options: RequestOptions,
  method = options.method?.toUpperCase() ?? "GET",
): Exchange {
  let url: URL;
  if (options.query === undefined) {
    url = urls.parse(input);
  } else {
    url = parseUrl(input, urls.base);
    for (const [name, value] of Object.entries(options.query)) {
      if (value !== undefined) url.searchParams.append(name, String(value));
    }
  }
  let headers =
    options.headers === undefined ? defaults : { ...defaults, ...lowerCase(options.headers) };
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    if (headers["content-type"] === undefined) {
      headers = { ...headers, "content-type": "application/json" };
    }
  }
  const own =
    options.timeouts === undefined &&
    options.retry === undefined &&
    options.maxRedirects === undefined &&
    options.maxResponseBytes === undefined;
  const effective: ClientConfig = own
    ? config
    : {
        ...config,
        timeouts: resolveTimeouts(config.timeouts, options.timeouts),
        retry: options.retry === undefined ? config.retry : createRetryPolicy(options.retry),
        maxRedirects: options.maxRedirects ?? config.maxRedirects,
        maxResponseBytes: options.maxResponseBytes ?? config.maxResponseBytes,
      };
  return new Exchange(effective, { method, url, headers, body });
}

/**
 * Internal. Parses request URLs against the client's base, keeping the last string parsed: a
 * client called in a loop with the same URL parses it once. Parsed URLs are never mutated.
 */
class UrlCache {
  private input: string | undefined = undefined;
  private url: URL | undefined = undefined;

  constructor(readonly base: URL | undefined) {}

  parse(input: string | URL): URL {
    if (typeof input !== "string") return parseUrl(input, this.base);
    if (input === this.input && this.url !== undefined) return this.url;
    const url = parseUrl(input, this.base);
    this.input = input;
    this.url = url;
    return url;
  }
}

function parseUrl(input: string | URL, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(input, base);
  } catch {
    throw new InvalidUrlError(String(input));
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidUrlError(String(input), `unsupported protocol ${url.protocol}`);
  }
  return url;
}

function resolveTimeouts(
  base: ClientConfig["timeouts"],
  given: HttpTimeouts | undefined,
): ClientConfig["timeouts"] {
  if (given === undefined) return base;
  const pick = (name: keyof HttpTimeouts) => {
    const value = given[name];
    if (value === undefined) return base[name];
    if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
      throw new TypeError(
        `timeouts.${name} must be a non-negative number of ms, got ${String(value)}`,
      );
    }
    return value;
  };
  return {
    connect: pick("connect"),
    headers: pick("headers"),
    body: pick("body"),
    total: pick("total"),
  };
}

function positive(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function lowerCase(headers: Record<string, string> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (headers === undefined) return result;
  for (const [name, value] of Object.entries(headers)) result[name.toLowerCase()] = value;
  return result;
}
