import type { OutgoingHttpHeaders } from "node:http";
import { copyHeaders, forwardToReal } from "./forward-to-real.js";

const NativeResponse = Response;

/** Statuses whose response has no body. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** What `Headers` accepts as a name (an HTTP token) and, once trimmed, as a value. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VALUE = /^[^\0\r\n\u0100-\uffff]*$/;
const PADDING = /^[\t\n\r ]+|[\t\n\r ]+$/g;
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** The content type `Response` gives a body of a string, and `Response.json` its JSON. */
const TEXT = "text/plain;charset=UTF-8";
const JSON_TYPE = "application/json";

/**
 * Internal. A `Response` whose body is a string or bytes kept as they are, and which builds
 * nothing of the runtime's own until something asks for it. On Node 20 a `new Response(bytes,
 * { headers })` costs more than the rest of answering a small request: its `Headers`, the
 * checks on each of them and a `ReadableStream` for the body. This one keeps the status, the
 * status text and the headers as given (checked as `Response` checks them), so the server can
 * write them and the bytes in one go.
 *
 * Its prototype chain holds `Response.prototype`; `status`, `statusText`, `ok`, `type`, `url`,
 * `redirected` and `headers` (a `Headers` made on first read) are its own, and every other
 * member (`body`, `bodyUsed`, the readers, `clone()`) is answered by a real `Response` built on
 * first use from the same body, status and headers: they behave as those of
 * `new Response(body, init)`.
 */
export class FixedResponse {
  readonly #source: string | Uint8Array;
  readonly #status: number;
  readonly #statusText: string;
  /** The headers ready to send, until `headers` is read or the real response is built. */
  #plain: OutgoingHttpHeaders | undefined;
  #headers: Headers | undefined;
  #real: Response | undefined = undefined;

  constructor(
    source: string | Uint8Array,
    status: number,
    statusText: string,
    plain: OutgoingHttpHeaders | undefined,
    headers: Headers | undefined,
  ) {
    this.#source = source;
    this.#status = status;
    this.#statusText = statusText;
    this.#plain = plain;
    this.#headers = headers;
  }

  get status(): number {
    return this.#status;
  }

  get statusText(): string {
    return this.#statusText;
  }

  get ok(): boolean {
    return this.#status >= 200 && this.#status <= 299;
  }

  get type(): ResponseType {
    return "default";
  }

  get url(): string {
    return "";
  }

  get redirected(): boolean {
    return false;
  }

  get headers(): Headers {
    if (this.#headers === undefined) {
      this.#headers = this.#real?.headers ?? new Headers(this.#plain as Record<string, string>);
      this.#plain = undefined;
    }
    return this.#headers;
  }

  /** Internal. The string or bytes to send, unless the body has been touched. */
  static sourceOf(response: FixedResponse): string | Uint8Array | undefined {
    return response.#real === undefined ? response.#source : undefined;
  }

  /**
   * Internal. The headers to send as they are (names in lower case, one value each), unless
   * someone has read `headers`, which may have changed them since.
   */
  static plainHeadersOf(response: FixedResponse): OutgoingHttpHeaders | undefined {
    return response.#plain;
  }

  /**
   * The real response, built now if need be. With `sync`, for members that read its header
   * list (`clone()`, the runtime's own slots), it gets the latest entries of `headers` too.
   */
  static realOf(response: FixedResponse, sync: boolean): Response {
    let real = response.#real;
    if (real === undefined) {
      real = new NativeResponse(response.#source as BodyInit, {
        status: response.#status,
        statusText: response.#statusText,
        headers: response.headers,
      });
      response.#real = real;
    } else if (sync && response.#headers !== undefined && response.#headers !== real.headers) {
      copyHeaders(response.#headers, real.headers);
    }
    return real;
  }
}

forwardToReal(
  FixedResponse,
  NativeResponse,
  new NativeResponse(""),
  new Set<PropertyKey>([
    "status",
    "statusText",
    "ok",
    "type",
    "url",
    "redirected",
    "headers",
    Symbol.toStringTag,
  ]),
  (response, sync) => FixedResponse.realOf(response, sync),
  (key) => key === "clone" || typeof key === "symbol",
);

/**
 * `init.headers` as headers ready to send (names in lower case, values trimmed as `Headers`
 * trims them), or undefined when they are not a plain object of valid, distinct names and
 * string values: those go through `new Response` to be checked and normalized.
 */
function plainHeaders(
  headers: HeadersInit | undefined,
  type: string | undefined,
): OutgoingHttpHeaders | undefined {
  const plain: OutgoingHttpHeaders = {};
  if (headers !== undefined) {
    const prototype = typeof headers === "object" ? Object.getPrototypeOf(headers) : undefined;
    if (prototype !== Object.prototype && prototype !== null) return undefined;
    for (const name in headers) {
      const raw = (headers as Record<string, unknown>)[name];
      if (typeof raw !== "string" || !TOKEN.test(name)) return undefined;
      const value = raw.replace(PADDING, "");
      const key = name.toLowerCase();
      if (!VALUE.test(value) || key in plain) return undefined;
      plain[key] = value;
    }
  }
  if (type !== undefined && plain["content-type"] === undefined) plain["content-type"] = type;
  return plain;
}

/**
 * @param type - the content type when `init` has none: `Response`'s for a string body (and
 *   none for bytes), or `Response.json`'s
 */
function fixedOf(
  body: string | Uint8Array,
  init: ResponseInit,
  type = typeof body === "string" ? TEXT : undefined,
): FixedResponse {
  const status = init.status ?? 200;
  const statusText = init.statusText ?? "";
  const plain =
    Number.isInteger(status) &&
    status >= 200 &&
    status <= 599 &&
    !NULL_BODY_STATUSES.has(status) &&
    typeof statusText === "string" &&
    REASON_PHRASE.test(statusText)
      ? plainHeaders(init.headers, type)
      : undefined;
  if (plain !== undefined) return new FixedResponse(body, status, statusText, plain, undefined);
  // Anything unusual is checked and normalized by the runtime, which throws as
  // `new Response(body, init)` would (a body with a null-body status included).
  const checked = new NativeResponse(body as BodyInit, init);
  if (type !== undefined && !checked.headers.has("content-type")) {
    checked.headers.set("content-type", type);
  }
  return new FixedResponse(body, checked.status, checked.statusText, undefined, checked.headers);
}

/** Whether a Response built by {@link fixedResponse} may be the lazy one: checked once here. */
const LAZY = (() => {
  try {
    const probe = fixedOf("probe", { headers: { "x-probe": "1" } }) as unknown as Response;
    const copy = probe.clone();
    return (
      probe instanceof NativeResponse &&
      Object.prototype.toString.call(probe) === "[object Response]" &&
      copy.headers.get("x-probe") === "1" &&
      copy.headers.get("content-type") === "text/plain;charset=UTF-8" &&
      probe.bodyUsed === false
    );
  } catch {
    return false;
  }
})();

/**
 * A `Response` for {@link useHttpServer} with a body of a string or bytes that the server
 * writes in one go, with its `content-length`. It behaves as `new Response(body, init)` does for
 * anyone who reads it, but builds no `Headers` and no `ReadableStream` unless someone asks for
 * them: on Node 20 those cost more than the rest of answering a small request.
 *
 * @example
 * ```ts
 * import { fixedResponse } from "@skein/http";
 *
 * const logo = new Uint8Array(2048);
 * function* handler() {
 *   return fixedResponse(logo, { headers: { "content-type": "image/png" } });
 * }
 * ```
 *
 * @param body - the whole body
 * @param init - status and headers, as for `new Response`
 * @returns a `Response` for `useHttpServer` to send
 */
export function fixedResponse(body: string | Uint8Array, init: ResponseInit = {}): Response {
  if (!LAZY) return new NativeResponse(body as BodyInit, init);
  return fixedOf(body, init) as unknown as Response;
}

/**
 * `Response.json(data, init)` as a {@link fixedResponse}: the JSON text of `data`, with
 * `content-type: application/json` unless `init` gives one, sent in one write and built without
 * `Headers` or a stream unless someone reads them.
 *
 * @example
 * ```ts
 * import { createRouter, jsonResponse } from "@skein/http";
 *
 * const router = createRouter().get("/items/:id", function* (_request, { id }) {
 *   return jsonResponse({ id, name: `item ${id}` });
 * });
 * ```
 *
 * @param data - what to send, as `JSON.stringify` writes it
 * @param init - status and headers, as for `Response.json`
 * @returns a `Response` for `useHttpServer` to send
 * @throws TypeError when `data` has no JSON form (`undefined`, a function), as `Response.json`
 */
export function jsonResponse(data: unknown, init: ResponseInit = {}): Response {
  const text = JSON.stringify(data);
  if (text === undefined) throw new TypeError("Value is not JSON serializable");
  if (!LAZY) return NativeResponse.json(data, init);
  return fixedOf(text, init, JSON_TYPE) as unknown as Response;
}
