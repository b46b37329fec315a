import { Readable } from "node:stream";
import { type Operation, type Scope, type Stream, toAsyncIterable, until } from "@skein/core";
import { RequestBodyError } from "./errors.js";

/**
 * A request body sent as it is produced: a Skein `Stream` of bytes, an `AsyncIterable` of
 * bytes (an async generator), a web `ReadableStream` or a Node `Readable`. It is sent with
 * chunked encoding unless the request has a `content-length` header, and pulled only as fast
 * as the socket takes it. It can be sent once: a request with one is retried or redirected
 * only while nothing has been pulled from it yet.
 *
 * @example
 * ```ts
 * import { createReadStream } from "node:fs";
 * import type { StreamedBody } from "@skein/http";
 *
 * const body: StreamedBody = createReadStream("package.json");
 * ```
 */
export type StreamedBody =
  | Stream<Uint8Array, unknown>
  | AsyncIterable<Uint8Array, unknown, undefined>
  | ReadableStream<Uint8Array>
  | Readable;

/**
 * What a request can send: a string (UTF-8), bytes (a `Uint8Array`, any typed array, a
 * `DataView` or an `ArrayBuffer`), a `Blob`, `FormData` (sent as `multipart/form-data`),
 * `URLSearchParams` (sent as a form), or a {@link StreamedBody}. A `Blob` and `FormData` are
 * read into memory before sending; stream a large file instead.
 *
 * @example
 * ```ts
 * import type { RequestBody } from "@skein/http";
 *
 * async function* lines() {
 *   yield new TextEncoder().encode("one\n");
 *   yield new TextEncoder().encode("two\n");
 * }
 * const body: RequestBody = lines();
 * ```
 */
export type RequestBody =
  | string
  | Uint8Array
  | ArrayBuffer
  | ArrayBufferView
  | Blob
  | FormData
  | URLSearchParams
  | StreamedBody;

/** Internal. Whether `body` (as `readBody` left it) is sent as it is produced. */
export function isStreamed(body: unknown): body is StreamedBody {
  return body !== undefined && typeof body !== "string" && !(body instanceof Uint8Array);
}

/**
 * Internal. A streamed body as undici pulls it: an async iterator that takes one chunk from the
 * source per `next()`, which undici calls only when the socket has taken the previous chunk. An
 * exchange makes one, hands it to every attempt, and closes it when its scope ends: a pull in
 * progress is cut short and the source is stopped (a Skein stream is halted, a `Readable`
 * destroyed, an async iterator returned), so its cleanup runs.
 */
export class Upload implements AsyncIterableIterator<Uint8Array | string> {
  /** Whether anything has been pulled from the source: then it cannot be sent again. */
  opened = false;
  /** Called for each chunk pulled, so a timeout can see the upload progress. */
  onChunk: (() => void) | undefined = undefined;
  private iterator: AsyncIterator<unknown> | undefined = undefined;
  private finished = false;
  private closed = false;
  private pending: ((error: Error) => void) | undefined = undefined;
  private pulling: Promise<unknown> | undefined = undefined;

  /** An error a `Readable` emitted before anything was pulled from it (a file that failed to open). */
  private early: { error: unknown } | undefined = undefined;

  constructor(
    private source: StreamedBody,
    private scope: Scope,
    private url: string,
  ) {
    // A Readable reports a failure such as a missing file as an 'error' event, possibly before
    // undici pulls (or when the connection fails and it never does): with no listener Node
    // would crash the process. Keep it for the first pull; once pulling, the stream's own
    // iterator reports errors, and a source destroyed by close() may still emit one.
    if (isReadable(source)) {
      source.on("error", (error: unknown) => {
        if (this.iterator === undefined) this.early ??= { error };
      });
    }
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Uint8Array | string>> {
    if (this.closed) return Promise.reject(closedError());
    if (this.finished) return Promise.resolve({ done: true, value: undefined });
    this.opened = true;
    if (this.early !== undefined) {
      this.finished = true;
      return Promise.reject(new RequestBodyError(this.url, this.early.error));
    }
    let iterator: AsyncIterator<unknown>;
    try {
      iterator = this.iterator ??= this.open();
    } catch (error) {
      this.finished = true;
      return Promise.reject(new RequestBodyError(this.url, error));
    }
    return new Promise<IteratorResult<Uint8Array | string>>((resolve, reject) => {
      this.pending = reject;
      const pull = Promise.resolve().then(() => iterator.next());
      this.pulling = pull;
      pull.then(
        (result) => {
          this.pulling = undefined;
          if (this.pending !== reject) return;
          this.pending = undefined;
          if (result.done) {
            this.finished = true;
            resolve({ done: true, value: undefined });
          } else if (typeof result.value === "string" || result.value instanceof Uint8Array) {
            this.onChunk?.();
            resolve({ done: false, value: result.value });
          } else {
            reject(
              this.fail(
                new TypeError(`a request body chunk must be bytes, got ${describe(result.value)}`),
              ),
            );
          }
        },
        (error: unknown) => {
          this.pulling = undefined;
          this.finished = true;
          if (this.pending !== reject) return;
          this.pending = undefined;
          reject(new RequestBodyError(this.url, error));
        },
      );
    });
  }

  /** Undici calls this when it stops early; the exchange closes the source itself. */
  async return(): Promise<IteratorResult<Uint8Array | string>> {
    return { done: true, value: undefined };
  }

  /**
   * Stop for good: a pull in progress fails at once (undici stops writing), then the source is
   * stopped and its cleanup waited for. An async iterator caught inside `next()` cannot be
   * interrupted: it is returned once that `next()` settles, without waiting for it here.
   */
  *close(): Operation<void> {
    if (this.closed) return;
    this.closed = true;
    const pending = this.pending;
    this.pending = undefined;
    pending?.(closedError());
    const source = this.source;
    if (isReadable(source)) {
      if (!source.readableEnded && !source.destroyed) source.destroy();
      return;
    }
    const iterator = this.iterator;
    if (iterator === undefined || this.finished || iterator.return === undefined) return;
    this.finished = true;
    const stop = () => iterator.return!();
    if (this.pulling !== undefined && !isSkeinStream(source)) {
      this.pulling.then(stop, stop).catch(() => undefined);
      return;
    }
    // A Skein stream's reader is halted even in the middle of a pull.
    yield* until(
      Promise.resolve()
        .then(stop)
        .catch(() => undefined),
    );
  }

  private open(): AsyncIterator<unknown> {
    const source = this.source;
    if (isSkeinStream(source)) return toAsyncIterable(source, this.scope)[Symbol.asyncIterator]();
    // A Readable, an async iterable or (in Node, async-iterable too) a web ReadableStream.
    return (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  }

  private fail(cause: unknown): RequestBodyError {
    this.finished = true;
    const error = new RequestBodyError(this.url, cause);
    const iterator = this.iterator;
    if (iterator?.return !== undefined) {
      Promise.resolve()
        .then(() => iterator.return!())
        .catch(() => undefined);
    }
    return error;
  }
}

function closedError(): Error {
  return new Error("the request body was closed");
}

function isReadable(source: StreamedBody): source is Readable {
  return source instanceof Readable;
}

/** An async iterable, which in Node includes a web `ReadableStream` (its reader is cancelled). */
function isAsyncIterable(source: StreamedBody): source is AsyncIterable<Uint8Array> {
  return typeof (source as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === "function";
}

function isSkeinStream(source: StreamedBody): source is Stream<Uint8Array, unknown> {
  return !isReadable(source) && !isAsyncIterable(source);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "an object";
  return typeof value;
}
