import type { IncomingMessage, ServerResponse } from "node:http";
import { copyHeaders, forwardToReal } from "./forward-to-real.js";
import { PayloadTooLargeError } from "./request-errors.js";

/**
 * Internal. The web `Request` a handler sees for a node:http request. GET and HEAD get no body;
 * other methods get a stream of the socket's body that fails with `PayloadTooLargeError` past
 * `maxBodyBytes`.
 *
 * Building a web `Request` costs more than the rest of answering a small request (parsing the
 * URL, an `AbortSignal`, the headers list), so where the runtime allows it (see `LAZY`) the
 * handler gets an {@link IncomingRequest} instead: an object whose prototype is
 * `Request.prototype` (so it passes `instanceof Request`) that answers `method`, `url` and
 * `headers` itself and builds the real `Request` the first time anything else is read, then
 * hands every other property and method to it.
 *
 * The request's `signal` aborts when the client goes away before `response` was sent.
 *
 * @param origin - the server's origin, `http://host:port`, as `new URL(...).origin` spells it
 * @returns undefined when the request target is neither a path (origin-form) nor an absolute
 *   http(s) URL (absolute-form, which an HTTP/1.1 server must take: its host wins over `Host`)
 */
export function toRequest(
  origin: string,
  request: IncomingMessage,
  response: ServerResponse,
  maxBodyBytes: number,
): Request | undefined {
  const raw = request.url ?? "/";
  let url: string;
  let path: string | undefined;
  if (raw.charCodeAt(0) === 47 /* "/" */) {
    const plain = isPlainTarget(raw);
    url = plain ? origin + raw : new URL(origin + raw).href;
    path = plain ? pathOf(raw) : undefined;
  } else {
    const absolute = URL.canParse(raw) ? new URL(raw) : undefined;
    if (absolute?.protocol !== "http:" && absolute?.protocol !== "https:") return undefined;
    url = absolute.href;
  }
  if (LAZY && SIMPLE_METHODS.has(request.method ?? "")) {
    return new IncomingRequest(request, response, url, path, maxBodyBytes) as unknown as Request;
  }
  return buildRequest(url, request, response, maxBodyBytes, undefined);
}

/**
 * Internal. The path of a request's URL (`new URL(request.url).pathname`), taken from the raw
 * request target when the server already checked it needs no normalizing.
 */
export function pathnameOf(request: Request): string {
  if (request instanceof IncomingRequest) {
    const path = IncomingRequest.pathOf(request);
    if (path !== undefined) return path;
  }
  return new URL(request.url).pathname;
}

const NativeRequest = Request;

/** Methods a `Request` takes as they are (the forbidden CONNECT, TRACE and TRACK throw). */
const SIMPLE_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]);

/**
 * A request target that the URL parser leaves as it is: an absolute path and an optional query
 * made of characters neither percent-encoded nor rewritten (no `'` in the query, no `\`, no
 * spaces or quotes, no `#`), with no dot segment (`/.`, or a `%2e` that could spell one).
 */
const PLAIN_TARGET = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*(?:\?[A-Za-z0-9\-._~!$&()*+,;=:@/?%]*)?$/;

/** Internal (exported for tests). Whether `origin + target` is already the serialized URL. */
export function isPlainTarget(target: string): boolean {
  return PLAIN_TARGET.test(target) && !target.includes("/.") && !/%2e/i.test(target);
}

function pathOf(target: string): string {
  const query = target.indexOf("?");
  return query === -1 ? target : target.slice(0, query);
}

function buildRequest(
  url: string,
  request: IncomingMessage,
  response: ServerResponse,
  maxBodyBytes: number,
  headers: Headers | undefined,
): Request {
  const method = request.method ?? "GET";
  const signal = disconnectSignal(response);
  const made =
    method === "GET" || method === "HEAD"
      ? new NativeRequest(url, { method, signal })
      : new NativeRequest(url, {
          method,
          signal,
          body: bodyOf(request, maxBodyBytes),
          duplex: "half",
        } as RequestInit);
  // Appending to the request's own headers is cheaper than passing them in its init.
  if (headers === undefined) appendRaw(made.headers, request.rawHeaders);
  else copyHeaders(headers, made.headers);
  return made;
}

/** A signal that aborts if `response` closes before it was all sent: the client went away. */
function disconnectSignal(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  if (response.writableFinished) return controller.signal;
  if (response.destroyed) {
    controller.abort(new DisconnectedError());
    return controller.signal;
  }
  response.once("close", () => {
    if (!response.writableFinished) controller.abort(new DisconnectedError());
  });
  return controller.signal;
}

/**
 * The reason of a request's `signal` once its client has gone away before the response was
 * sent (a `DOMException` named `AbortError`, as `fetch` expects, with this message).
 */
class DisconnectedError extends DOMException {
  constructor() {
    super("the client closed the connection before the response was sent", "AbortError");
  }
}

function appendRaw(headers: Headers, raw: string[]): void {
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
}

/**
 * Internal. A `Request` built on first use. Its prototype chain holds `Request.prototype`, and
 * every member of `Request.prototype` it does not answer itself is forwarded to the real
 * `Request` (built on the first such access), as are the runtime's own symbol-keyed slots, so
 * `new Request(request)`, `fetch(request)` and `request.clone()` see the real thing.
 */
class IncomingRequest {
  readonly #incoming: IncomingMessage;
  readonly #response: ServerResponse;
  readonly #url: string;
  readonly #path: string | undefined;
  readonly #limit: number;
  #headers: Headers | undefined = undefined;
  #real: Request | undefined = undefined;

  constructor(
    incoming: IncomingMessage,
    response: ServerResponse,
    url: string,
    path: string | undefined,
    limit: number,
  ) {
    this.#incoming = incoming;
    this.#response = response;
    this.#url = url;
    this.#path = path;
    this.#limit = limit;
  }

  get method(): string {
    return this.#incoming.method!;
  }

  get url(): string {
    return this.#url;
  }

  get headers(): Headers {
    if (this.#headers === undefined) {
      if (this.#real !== undefined) {
        this.#headers = this.#real.headers;
      } else {
        this.#headers = new Headers();
        appendRaw(this.#headers, this.#incoming.rawHeaders);
      }
    }
    return this.#headers;
  }

  /**
   * The real request, built now if need be with the headers this one handed out. With `sync`,
   * for members that read the real request's header list (its internal slots, `clone()`), it
   * gets their latest entries too.
   */
  static realOf(request: IncomingRequest, sync: boolean): Request {
    let real = request.#real;
    if (real === undefined) {
      real = buildRequest(
        request.#url,
        request.#incoming,
        request.#response,
        request.#limit,
        request.#headers,
      );
      request.#real = real;
    } else if (sync && request.#headers !== undefined && request.#headers !== real.headers) {
      copyHeaders(request.#headers, real.headers);
    }
    return real;
  }

  static pathOf(request: IncomingRequest): string | undefined {
    return request.#path;
  }
}

forwardToReal(
  IncomingRequest,
  NativeRequest,
  new NativeRequest("http://127.0.0.1/"),
  new Set<PropertyKey>(["method", "url", "headers", Symbol.toStringTag]),
  (request, sync) => IncomingRequest.realOf(request, sync),
  // Members that read the header list: the real request must have the latest headers.
  (key) => key === "clone" || typeof key === "symbol",
);

/**
 * Whether handlers get the lazy request: only where it behaves as the real one does, checked
 * once here. On a runtime whose `Request` keeps its state in private fields (undici 7), code
 * such as `new Request(request)` cannot read it from another object, and every request is
 * built eagerly instead.
 */
const LAZY = (() => {
  try {
    const probe = new IncomingRequest(
      { method: "GET", rawHeaders: ["X-Probe", "1"] } as unknown as IncomingMessage,
      { writableFinished: true } as unknown as ServerResponse,
      "http://127.0.0.1/probe?q",
      "/probe",
      0,
    ) as unknown as Request;
    const copy = new NativeRequest(probe);
    return (
      probe instanceof NativeRequest &&
      copy.url === probe.url &&
      copy.method === "GET" &&
      copy.headers.get("x-probe") === "1" &&
      probe.clone().headers.get("x-probe") === "1" &&
      probe.bodyUsed === false
    );
  } catch {
    return false;
  }
})();

function bodyOf(request: IncomingMessage, limit: number): ReadableStream<Uint8Array> {
  let received = 0;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      request.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received > limit) {
          controller.error(new PayloadTooLargeError(limit, received));
          request.pause();
          return;
        }
        controller.enqueue(chunk);
        if ((controller.desiredSize ?? 1) <= 0) request.pause();
      });
      request.on("end", () => {
        if (received <= limit) controller.close();
      });
      request.on("error", (error) => controller.error(error));
    },
    pull() {
      request.resume();
    },
  });
}
