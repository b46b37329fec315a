import type { ConnectionOptions } from "node:tls";
import {
  createSemaphore,
  label,
  type Operation,
  resource,
  type Semaphore,
  until,
  waitingFor,
} from "@skein/core";
import { CookieJar } from "./cookie-jar.js";
import { checkBody } from "./encode-body.js";
import { InvalidRequestError, InvalidUrlError } from "./errors.js";
import { type ClientConfig, Exchange } from "./exchange.js";
import type { HttpHooks } from "./hooks.js";
import { createDispatcher, type ProxyOption } from "./proxy.js";
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
 * the URL; `headers` are merged over the client's (a request's own win). Per-request
 * `timeouts`, `retry`, `redirect`, `maxRedirects`, `maxResponseBytes` and `decompress`
 * override the client's.
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
   * A string, bytes (any typed array or an `ArrayBuffer`), a `Blob`, `FormData` (sent as
   * `multipart/form-data`), `URLSearchParams` (sent as a form), or a {@link StreamedBody} (a
   * Skein `Stream`, an `AsyncIterable` or a Node `Readable` of bytes) sent as it is produced,
   * with backpressure and chunked encoding unless `headers` has a `content-length`. A streamed
   * body is sent once: the request is retried, or a redirect followed, only while nothing has
   * been pulled from it. Anything else is an `InvalidRequestError` at the call.
   */
  body?: RequestBody;
  json?: unknown;
  timeouts?: HttpTimeouts;
  retry?: RetryOptions | boolean;
  /** `"follow"` (the default) follows redirects; `"manual"` returns them as the response. */
  redirect?: "follow" | "manual";
  maxRedirects?: number;
  /**
   * The largest body accepted, in bytes after decompression, whether read whole or streamed
   * from `response.body`; `Infinity` lifts the limit (for a large download read chunk by chunk).
   */
  maxResponseBytes?: number;
  /** Undo a gzip, deflate or br `content-encoding`, and send `accept-encoding` for them. */
  decompress?: boolean;
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
 * responses, 5 redirects followed, decompression on, proxies from the environment, no cookie
 * jar, a `user-agent` of `skein-http/<version>`.
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
  /**
   * A path (`"users"` or `"/users"` alike) is joined under this URL's path, and cannot leave
   * it: `"//other.host/x"` stays a path, and a `..` climbing out of it is an `InvalidUrlError`.
   * Only an absolute URL (with a scheme) goes elsewhere.
   */
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
  /** See {@link RequestOptions.maxResponseBytes}. Default 64 MiB. */
  maxResponseBytes?: number;
  /** See {@link RequestOptions.redirect}. Default `"follow"`. */
  redirect?: "follow" | "manual";
  /** Redirects followed before `TooManyRedirectsError`. Default 5. */
  maxRedirects?: number;
  /** See {@link RequestOptions.decompress}. Default `true`. */
  decompress?: boolean;
  /**
   * The proxy to send requests through: a URL (`http://proxy:3128`, with `user:password@` for
   * basic auth) for every request, `false` for none, or `"env"` (the default) to follow
   * `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` (or their lower-case forms) as they are when
   * the client starts. Requests go through the proxy with `CONNECT`.
   */
  proxy?: ProxyOption;
  /**
   * Keep the cookies servers set (`Set-Cookie`) and send them back (`Cookie`) to the host and
   * path they were set for. Each client has its own jar, in memory. Default `false`.
   */
  cookies?: boolean;
  /** Called around each request on the wire (each redirect and retry): see {@link HttpHooks}. */
  hooks?: HttpHooks;
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
  /** `request` with method PUT. */
  put(url: string | URL, options?: RequestOptions): Operation<HttpResponse>;
  /** `request` with method PATCH. */
  patch(url: string | URL, options?: RequestOptions): Operation<HttpResponse>;
  /** `request` with method DELETE. */
  delete(url: string | URL, options?: RequestOptions): Operation<HttpResponse>;
  /** `request` with method HEAD: the response has no body. */
  head(url: string | URL, options?: RequestOptions): Operation<HttpResponse>;
  /** Send a request and parse the response body as JSON. */
  json<T = unknown>(url: string | URL, options?: RequestOptions): Operation<T>;
  /** Send a request and read the response body as UTF-8 text. */
  text(url: string | URL, options?: RequestOptions): Operation<string>;
  /** Send a request and read the response body as bytes. */
  bytes(url: string | URL, options?: RequestOptions): Operation<Uint8Array>;
}

const DEFAULT_TIMEOUTS = { connect: 10_000, headers: 30_000, body: 30_000, total: Infinity };

/** The `user-agent` a client sends unless told otherwise. */
const USER_AGENT = "skein-http/0.1.0";
const ACCEPT_ENCODING = "gzip, deflate, br";
/** What RFC 9110 allows as a method name. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

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
    const dispatcher = createDispatcher(options.proxy ?? "env", {
      connections: positive("perHost", options.perHost) ?? null,
      keepAliveTimeout: idleMs,
      keepAliveMaxTimeout: Math.max(idleMs, 600_000),
      headersTimeout: 0,
      bodyTimeout: 0,
      connectTimeout: timeouts.connect === Infinity ? 0 : timeouts.connect + 1000,
      ...(options.tls === undefined ? {} : { connect: { ...options.tls } }),
    });
    const config: ClientConfig = {
      dispatcher,
      timeouts,
      retry: createRetryPolicy(options.retry),
      maxRedirects: count("maxRedirects", options.maxRedirects) ?? 5,
      maxResponseBytes: limitBytes(options.maxResponseBytes) ?? 64 * 1024 * 1024,
      reset: keepAlive === false,
      redirect: redirectMode(options.redirect) ?? "follow",
      decompress: options.decompress ?? true,
      hooks: options.hooks,
      cookies: options.cookies === true ? new CookieJar() : undefined,
    };
    const base = options.baseUrl === undefined ? undefined : parseUrl(options.baseUrl);
    const defaults = { "user-agent": USER_AGENT, ...lowerCase(options.headers) };

    const limit = positive("connections", options.connections);
    const permits = limit === undefined ? undefined : createSemaphore(limit);
    const client = createClient(config, base, defaults, permits);
    yield* label(base === undefined ? "http client" : `http client ${base.href}`);
    try {
      yield* provide(client);
    } finally {
      yield* until(dispatcher.destroy());
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
  const encoded = { "accept-encoding": ACCEPT_ENCODING, ...defaults };
  const prepare = (url: string | URL, options: RequestOptions, method?: string) =>
    prepareExchange(config, urls, defaults, encoded, url, options, method);

  const request = (
    url: string | URL,
    options: RequestOptions = {},
    method?: string,
  ): Operation<HttpResponse> => ({
    *[Symbol.iterator]() {
      const exchange = prepare(url, options, method);
      return yield* resource<HttpResponse>(
        function* (provide) {
          if (permits !== undefined) {
            yield* waitingFor(exchange.describeQueued, permits.acquire());
          }
          try {
            yield* provide(yield* exchange.send());
          } finally {
            yield* exchange.release();
          }
        },
        { name: exchange.name },
      );
    },
  });

  function* read<T>(
    exchange: Exchange,
    options: RequestOptions,
    body: (response: ResponseImpl) => Operation<T>,
  ): Operation<T> {
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
  ): Operation<T> => ({
    *[Symbol.iterator]() {
      const exchange = prepare(url, options);
      return permits === undefined
        ? yield* read(exchange, options, body)
        : yield* waitingFor(
            exchange.describeQueued,
            permits.withPermit(() => read(exchange, options, body)),
          );
    },
  });

  return {
    request: (url, options) => request(url, options),
    get: (url, options) => request(url, options, "GET"),
    post: (url, options) => request(url, options, "POST"),
    put: (url, options) => request(url, options, "PUT"),
    patch: (url, options) => request(url, options, "PATCH"),
    delete: (url, options) => request(url, options, "DELETE"),
    head: (url, options) => request(url, options, "HEAD"),
    json: <T>(url: string | URL, options?: RequestOptions) =>
      readLimited(url, options, (response) => response.json<T>()),
    text: (url, options) => readLimited(url, options, (response) => response.text()),
    bytes: (url, options) => readLimited(url, options, (response) => response.bytes()),
  };
}

function prepareExchange(
  config: ClientConfig,
  urls: UrlCache,
  plain: Record<string, string>,
  encoded: Record<string, string>,
  input: string | URL,
  options: RequestOptions,
  method = options.method?.toUpperCase() ?? "GET",
): Exchange {
  if (!TOKEN.test(method)) {
    throw new InvalidRequestError(
      `method must be an HTTP token, got ${JSON.stringify(method)}`,
      method,
    );
  }
  const decompress = options.decompress ?? config.decompress;
  const defaults = decompress ? encoded : plain;
  let url: URL;
  if (options.query === undefined) {
    url = urls.parse(input);
  } else {
    url = resolveUrl(input, urls.base);
    for (const [name, value] of Object.entries(options.query)) {
      if (value !== undefined) url.searchParams.append(name, String(value));
    }
  }
  let headers =
    options.headers === undefined ? defaults : { ...defaults, ...lowerCase(options.headers) };
  let body = options.body === undefined ? undefined : checkBody(options.body, url.href);
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    if (headers["content-type"] === undefined) {
      headers = { ...headers, "content-type": "application/json" };
    }
  }
  const own =
    options.timeouts === undefined &&
    options.retry === undefined &&
    options.redirect === undefined &&
    options.maxRedirects === undefined &&
    options.maxResponseBytes === undefined &&
    options.decompress === undefined;
  const effective: ClientConfig = own
    ? config
    : {
        ...config,
        timeouts: resolveTimeouts(config.timeouts, options.timeouts),
        retry: options.retry === undefined ? config.retry : createRetryPolicy(options.retry),
        redirect: redirectMode(options.redirect) ?? config.redirect,
        maxRedirects: count("maxRedirects", options.maxRedirects) ?? config.maxRedirects,
        maxResponseBytes: limitBytes(options.maxResponseBytes) ?? config.maxResponseBytes,
        decompress,
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
    if (typeof input !== "string") return resolveUrl(input, this.base);
    if (input === this.input && this.url !== undefined) return this.url;
    const url = resolveUrl(input, this.base);
    this.input = input;
    this.url = url;
    return url;
  }
}

/** A URL with a scheme of its own (`https://...`, `mailto:...`): never joined to the base. */
const ABSOLUTE = /^[a-zA-Z][a-zA-Z\d+.-]*:/;

/**
 * Internal. The URL a request goes to. An absolute URL (a `URL`, or a string with a scheme) is
 * taken as it is. Anything else is a path joined under the base's path, `"users"` and
 * `"/users"` alike (`http://host/v1` + `/users` is `http://host/v1/users`), and must stay under
 * it: `"//other.host/x"` is the path `/v1/other.host/x`, and a `..` that climbs out of the base's
 * path is an {@link InvalidUrlError}.
 */
function resolveUrl(input: string | URL, base?: URL): URL {
  if (typeof input !== "string" || ABSOLUTE.test(input) || base === undefined) {
    return parseUrl(input);
  }
  const prefix = base.pathname.endsWith("/") ? base.pathname : `${base.pathname}/`;
  const rest = /^[?#]/.test(input) ? input : input.replace(/^[/\\]+/, "");
  const joined = /^[?#]/.test(input) ? `${base.pathname}${rest}` : `${prefix}${rest}`;
  let url: URL;
  try {
    url = new URL(joined, base.origin);
  } catch {
    throw new InvalidUrlError(input);
  }
  const inside = url.pathname === base.pathname || url.pathname.startsWith(prefix);
  if (url.origin !== base.origin || !inside) {
    throw new InvalidUrlError(input, `leaves the base URL ${base.href}`);
  }
  return url;
}

function parseUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(input);
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
      throw new InvalidRequestError(
        `timeouts.${name} must be a non-negative number of ms, got ${String(value)}`,
        value,
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

function count(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0) {
    throw new InvalidRequestError(
      `${name} must be a non-negative integer, got ${String(value)}`,
      value,
    );
  }
  return value;
}

function limitBytes(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
    throw new InvalidRequestError(
      `maxResponseBytes must be a non-negative number of bytes or Infinity, got ${String(value)}`,
      value,
    );
  }
  return value;
}

function redirectMode(value: string | undefined): "follow" | "manual" | undefined {
  if (value === undefined || value === "follow" || value === "manual") return value;
  throw new InvalidRequestError(
    `redirect must be "follow" or "manual", got ${String(value)}`,
    value,
  );
}

function positive(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidRequestError(
      `${name} must be a positive integer, got ${String(value)}`,
      value,
    );
  }
  return value;
}

function lowerCase(headers: Record<string, string> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (headers === undefined) return result;
  for (const [name, value] of Object.entries(headers)) result[name.toLowerCase()] = value;
  return result;
}
