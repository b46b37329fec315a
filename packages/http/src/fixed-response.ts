/** Statuses whose response has no body. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * Internal. A `Response` whose body is a string or bytes kept as they are: no `ReadableStream`
 * is built unless something reads the body, and the server writes the bytes in one go. On
 * Node 20 the stream a plain `new Response(bytes)` builds costs about as much as the rest of
 * answering a small request.
 *
 * It is a real `Response` (made with a null body, so status, headers and the rest are the
 * runtime's own); `body`, `bodyUsed`, the readers and `clone()` answer from a `Response` built
 * from the same body on first use, and behave as the ones of `new Response(body, init)`.
 */
export class FixedResponse extends Response {
  readonly #source: string | Uint8Array;
  readonly #init: ResponseInit;
  #real: Response | undefined = undefined;

  constructor(body: string | Uint8Array, init: ResponseInit = {}) {
    if (NULL_BODY_STATUSES.has(init.status ?? 200)) {
      // The same TypeError `new Response(body, init)` throws.
      new Response(body as BodyInit, init);
    }
    super(null, init);
    if (typeof body === "string" && !this.headers.has("content-type")) {
      this.headers.set("content-type", "text/plain;charset=UTF-8");
    }
    this.#source = body;
    this.#init = init;
  }

  /** Internal. The string or bytes to send, unless the body has been touched. */
  static sourceOf(response: FixedResponse): string | Uint8Array | undefined {
    return response.#real === undefined ? response.#source : undefined;
  }

  #body(): Response {
    this.#real ??= new Response(this.#source as BodyInit, {
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
    });
    return this.#real;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    return this.#body().body;
  }

  override get bodyUsed(): boolean {
    return this.#real === undefined ? false : this.#real.bodyUsed;
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.#body().arrayBuffer();
  }

  override blob(): Promise<Blob> {
    return this.#body().blob();
  }

  override bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#body().bytes();
  }

  override formData(): Promise<FormData> {
    return this.#body().formData();
  }

  override json(): Promise<unknown> {
    return this.#body().json();
  }

  override text(): Promise<string> {
    return this.#body().text();
  }

  override clone(): Response {
    if (this.#real !== undefined) return this.#real.clone();
    return new FixedResponse(this.#source, {
      ...this.#init,
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
    });
  }
}

/**
 * A `Response` with a body that is a string (sent as UTF-8) or bytes, for handlers that answer
 * many small requests: `useHttpServer` sends it in one write with a `content-length`, and no
 * web `ReadableStream` is built for it. It is a `Response` like `new Response(body, init)`
 * (same headers, status checks and readers); the difference is only in what it costs: on
 * Node 20 a plain `new Response(bytes)` builds a `ReadableStream` that costs about as much as
 * the rest of answering a small request.
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
export function fixedResponse(body: string | Uint8Array, init?: ResponseInit): Response {
  return new FixedResponse(body, init);
}
