import type { IncomingHttpHeaders } from "node:http";
import { action, type Operation, sleep, useDeadline, useScope, waitingFor } from "@skein/core";
import type { Dispatcher } from "undici";
import { Attempt, type PhaseTimeouts } from "./attempt.js";
import type { CookieJar } from "./cookie-jar.js";
import { type CheckedBody, readBody } from "./encode-body.js";
import {
  HttpTimeoutError,
  InvalidUrlError,
  ResponseTooLargeError,
  TooManyRedirectsError,
} from "./errors.js";
import { type HttpHooks, type HttpRequestInfo, runHook } from "./hooks.js";
import { ResponseImpl } from "./response.js";
import { backoff, parseRetryAfter, type RetryPolicy } from "./retry-policy.js";
import { isConnectionFailure } from "./translate-error.js";
import { isStreamed, Upload } from "./upload.js";

/** Internal. A client's settings, with every default filled in. */
export interface ClientConfig {
  dispatcher: Dispatcher;
  timeouts: PhaseTimeouts & { total: number };
  retry: RetryPolicy | undefined;
  maxRedirects: number;
  maxResponseBytes: number;
  reset: boolean;
  /** `manual`: a redirect is returned as the response. */
  redirect: "follow" | "manual";
  /** Undo a `content-encoding` of gzip, deflate or br. */
  decompress: boolean;
  hooks: HttpHooks | undefined;
  cookies: CookieJar | undefined;
}

/** Internal. One request as the caller asked for it, before redirects. */
export interface ExchangeRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: CheckedBody | undefined;
}

/** What one attempt sends: a streamed body goes as the exchange's {@link Upload}. */
type WireBody = string | Uint8Array | Upload | undefined;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Internal. One request with its redirects and retries, and the response it ends with. Its
 * owner calls `send()` once and `release()` when its scope ends.
 */
export class Exchange {
  private attempt: Attempt | undefined = undefined;
  private response: ResponseImpl | undefined = undefined;
  private expired: Error | undefined = undefined;
  private totalTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  private endsAt = Infinity;
  private upload: Upload | undefined = undefined;

  constructor(
    private config: ClientConfig,
    private request: ExchangeRequest,
  ) {}

  /**
   * For a wait around the whole exchange (the client's `connections` limit): `queued` before
   * the first attempt, nothing after, when each wait inside says what it waits on.
   */
  /** What the task of a request made with `client.request()` is called. */
  get name(): string {
    return `${this.request.method} ${this.request.url.href}`;
  }

  readonly describeQueued = (): string =>
    this.attempt === undefined ? `${this.request.method} ${this.request.url.href} (queued)` : "";

  *send(): Operation<ResponseImpl> {
    const total = Math.min(this.config.timeouts.total, yield* useDeadline());
    if (total !== Infinity) {
      this.endsAt = Date.now() + total;
      this.totalTimer = setTimeout(() => {
        this.expired = new HttpTimeoutError("total", total, this.request.url.href);
        this.attempt?.fail(this.expired);
      }, total);
    }
    let { method, url, headers } = this.request;
    const read = yield* readBody(this.request.body);
    if (read.type !== undefined && (read.forced || headers["content-type"] === undefined)) {
      headers = { ...headers, "content-type": read.type };
    }
    let body: WireBody;
    if (isStreamed(read.body)) {
      this.upload = new Upload(read.body, yield* useScope(), url.href);
      body = this.upload;
    } else {
      body = read.body;
    }
    let chain: string[] | undefined;
    for (;;) {
      const response = this.config.retry?.methods.has(method)
        ? yield* this.sendWithRetries(method, url, headers, body)
        : yield* this.sendOnce(method, url, headers, body);
      const location = response.headers.location;
      const follow =
        this.config.redirect === "follow" &&
        REDIRECTS.has(response.status) &&
        typeof location === "string" &&
        (response.status === 303 || method === "GET" || method === "HEAD");
      // A streamed body that has been pulled from cannot be sent to the next location.
      const spent =
        body instanceof Upload && body.opened && !(response.status === 303 && method !== "HEAD");
      if (!follow || spent) return response;
      chain ??= [url.href];
      if (chain.length > this.config.maxRedirects) {
        throw new TooManyRedirectsError(this.config.maxRedirects, chain);
      }
      yield* this.drop(response);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new InvalidUrlError(location, "unreadable redirect location");
      }
      if (next.protocol !== "http:" && next.protocol !== "https:") {
        throw new InvalidUrlError(location, "redirect to a protocol other than http(s)");
      }
      if (response.status === 303 && method !== "HEAD") {
        method = "GET";
        body = undefined;
        headers = withoutHeaders(headers, ["content-type", "content-length"]);
      }
      if (next.origin !== url.origin) {
        headers = withoutHeaders(headers, ["authorization", "cookie", "proxy-authorization"]);
      }
      url = next;
      chain.push(url.href);
    }
  }

  /**
   * Let go of the response and the timers; a body read halfway is aborted, and a streamed
   * request body still being sent is stopped (its source's cleanup has run on return).
   */
  *release(): Operation<void> {
    try {
      if (this.response !== undefined) yield* this.response.release();
    } finally {
      clearTimeout(this.totalTimer);
      const attempt = this.attempt;
      if (attempt !== undefined) {
        attempt.stop();
        if (!this.response?.done) attempt.abort();
      }
      if (this.upload !== undefined) yield* this.upload.close();
    }
  }

  private *drop(response: ResponseImpl): Operation<void> {
    yield* response.release();
    if (!response.done) this.attempt?.abort();
    this.response = undefined;
  }

  private fits(delay: number): boolean {
    return Date.now() + delay < this.endsAt;
  }

  private *sendWithRetries(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: WireBody,
  ): Operation<ResponseImpl> {
    const policy = this.config.retry;
    // A streamed body is sent again only if nothing was pulled from it by the failed attempt.
    const replayable = () => !(body instanceof Upload && body.opened);
    const retried = policy?.methods.has(method) ? policy : undefined;
    for (let n = 1; ; n++) {
      let response: ResponseImpl;
      try {
        response = yield* this.sendOnce(method, url, headers, body);
      } catch (error) {
        if (
          retried === undefined ||
          n >= retried.attempts ||
          !isConnectionFailure(error) ||
          !replayable()
        ) {
          throw error;
        }
        const delay = backoff(retried, n - 1);
        if (!this.fits(delay)) throw error;
        yield* this.pause(method, url, n, delay);
        continue;
      }
      if (
        retried === undefined ||
        n >= retried.attempts ||
        !retried.statuses.has(response.status) ||
        !replayable()
      ) {
        return response;
      }
      const asked = retryDelay(response.headers, retried);
      if (asked === false) return response;
      const delay = asked ?? backoff(retried, n - 1);
      if (!this.fits(delay)) return response;
      yield* this.drop(response);
      yield* this.pause(method, url, n, delay);
    }
  }

  private pause(method: string, url: URL, attempt: number, delay: number): Operation<void> {
    return waitingFor(`${method} ${url.href} (retry ${attempt} after ${delay} ms)`, sleep(delay));
  }

  private *sendOnce(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: WireBody,
  ): Operation<ResponseImpl> {
    if (this.expired !== undefined) throw this.expired;
    const { config } = this;
    let info: HttpRequestInfo | undefined;
    const cookie = config.cookies?.header(url);
    if (cookie !== undefined && headers.cookie === undefined) headers = { ...headers, cookie };
    if (config.hooks?.onRequest !== undefined) {
      info = { method, url, headers: { ...headers } };
      yield* runHook(config.hooks.onRequest(info));
      headers = info.headers;
    }
    const attempt = new Attempt(
      url.href,
      config.timeouts,
      config.maxResponseBytes,
      config.decompress && method !== "HEAD",
      method,
    );
    this.attempt = attempt;
    attempt.arm("connect", config.timeouts.connect);
    // While the body is being sent, each chunk restarts the wait for the response headers.
    if (body instanceof Upload) body.onChunk = () => attempt.refresh();
    try {
      config.dispatcher.dispatch(
        {
          origin: url.origin,
          path: url.pathname + url.search,
          method: method as Dispatcher.HttpMethod,
          headers,
          // undici sends any async iterable with backpressure; its types list only Readable.
          body: body as Dispatcher.DispatchOptions["body"],
          reset: config.reset,
        },
        attempt,
      );
    } catch (error) {
      attempt.onResponseError(undefined as never, error as Error);
    }
    if (attempt.status === 0 && attempt.error === undefined) {
      yield* action<void>((resolve) => {
        attempt.wake = resolve;
        return () => {
          attempt.wake = undefined;
        };
      }, attempt.describe);
    }
    if (attempt.error !== undefined) throw attempt.error;
    const response = new ResponseImpl(attempt.status, attempt.headers, url.href, attempt);
    this.response = response;
    config.cookies?.store(url, attempt.headers);
    const announced = Number(attempt.headers["content-length"]);
    if (announced > config.maxResponseBytes) {
      const error = new ResponseTooLargeError(config.maxResponseBytes, announced, url.href);
      attempt.fail(error);
      throw error;
    }
    if (config.hooks?.onResponse !== undefined) {
      info ??= { method, url, headers };
      yield* runHook(config.hooks.onResponse(response, info));
    }
    return response;
  }
}

/** The delay a retryable response asks for: `false` when longer than allowed. */
function retryDelay(headers: IncomingHttpHeaders, policy: RetryPolicy): number | false | undefined {
  const asked = parseRetryAfter(headers["retry-after"], Date.now());
  if (asked === undefined) return undefined;
  return asked > policy.maxRetryAfterMs ? false : asked;
}

function withoutHeaders(headers: Record<string, string>, names: string[]): Record<string, string> {
  const copy = { ...headers };
  for (const name of names) delete copy[name];
  return copy;
}
