import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import { action, type Operation, type Stream, type Subscription, until } from "@skein/core";
import type { Attempt } from "./attempt.js";
import { BodyUsedError } from "./body-errors.js";
import { HttpStatusError, ResponseTooLargeError, SocketError } from "./errors.js";
import { translateError } from "./translate-error.js";

/**
 * A response whose body is still on the wire. It belongs to the scope that made the request:
 * when that scope ends, a body never touched is drained (up to 64 KiB, so the connection goes
 * back to the pool) and a body read halfway is aborted, closing its connection.
 *
 * @example
 * ```ts
 * import { each, run } from "@skein/core";
 * import { useHttpClient } from "@skein/http";
 *
 * await run(function* () {
 *   const client = yield* useHttpClient();
 *   const response = yield* client.get("http://127.0.0.1:8080/log");
 *   console.log(response.status, response.headers["content-type"]);
 *   for (const chunk of yield* each(response.body)) {
 *     console.log(chunk.byteLength);
 *     yield* each.next();
 *   }
 * });
 * ```
 */
export interface HttpResponse {
  readonly status: number;
  /** Whether the status is 2xx. */
  readonly ok: boolean;
  /** The URL that answered, after redirects. */
  readonly url: string;
  /** Header names are lower case; repeated headers (such as `set-cookie`) are arrays. */
  readonly headers: IncomingHttpHeaders;
  /** The body, chunk by chunk: the next chunk is read from the socket only when asked for. */
  readonly body: Stream<Uint8Array, void>;
  /** The whole body, at most `maxResponseBytes`. */
  bytes(): Operation<Uint8Array>;
  /** The whole body decoded as UTF-8. */
  text(): Operation<string>;
  /** The whole body parsed as JSON; the type parameter is trusted, not checked. */
  json<T = unknown>(): Operation<T>;
}

const UNTOUCHED = 0;
const READING = 1;
const DONE = 2;
const SNIPPET_BYTES = 1024;
const DRAIN_BYTES = 64 * 1024;
const DRAIN_GRACE_MS = 1000;

/** Internal. */
export class ResponseImpl implements HttpResponse {
  private state = UNTOUCHED;
  private received = 0;

  constructor(
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    readonly url: string,
    private readable: Readable & { dump(options?: { limit?: number }): Promise<null> },
    private attempt: Attempt,
    private limit: number,
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get done(): boolean {
    return this.state === DONE;
  }

  get body(): Stream<Uint8Array, void> {
    const response = this;
    return {
      *[Symbol.iterator]() {
        response.claim();
        return new BodySubscription(response);
      },
    };
  }

  bytes(): Operation<Uint8Array> {
    this.claim();
    return readAll(this);
  }

  *text(): Operation<string> {
    const bytes = yield* this.bytes();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  }

  *json<T = unknown>(): Operation<T> {
    return JSON.parse(yield* this.text()) as T;
  }

  /** Internal. The error for a non-2xx status, with the start of the body. */
  *statusError(): Operation<HttpStatusError> {
    let snippet = "";
    if (this.state === UNTOUCHED) {
      const chunks: Uint8Array[] = [];
      let size = 0;
      try {
        const subscription = yield* this.body;
        while (size < SNIPPET_BYTES) {
          const next = yield* subscription.next();
          if (next.done) break;
          chunks.push(next.value);
          size += next.value.byteLength;
        }
      } catch {
        // The status is the error to report; a body that broke adds nothing to it.
      }
      snippet = Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString("utf8");
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    return new HttpStatusError(this.status, this.url, snippet, headers);
  }

  /** Internal. Called when the owning scope ends. */
  *release(): Operation<void> {
    if (this.state === DONE) return;
    if (this.state === UNTOUCHED) {
      this.state = READING;
      this.attempt.arm("body", Math.min(this.attempt.timeouts.body, DRAIN_GRACE_MS));
      try {
        yield* until(this.readable.dump({ limit: DRAIN_BYTES }));
        if (this.readable.readableEnded) this.state = DONE;
      } catch {
        // Draining only tries to keep the connection; a broken one is closed below.
      } finally {
        this.attempt.disarm();
      }
    }
  }

  /** Internal. */
  claim(): void {
    if (this.state !== UNTOUCHED) throw new BodyUsedError(this.url);
    this.state = READING;
  }

  /** Internal. Count `size` more bytes; false (and the attempt failed) past the limit. */
  count(size: number): boolean {
    this.received += size;
    if (this.received <= this.limit) return true;
    this.attempt.fail(new ResponseTooLargeError(this.limit, this.received, this.url));
    return false;
  }

  /** Internal. */
  finish(): void {
    this.state = DONE;
  }

  /** Internal. */
  get source(): Readable {
    return this.readable;
  }

  /** Internal. */
  get owner(): Attempt {
    return this.attempt;
  }
}

function closedEarly(response: ResponseImpl): Error {
  return new SocketError(response.url, new Error("the connection closed before the body ended"));
}

function readAll(response: ResponseImpl): Operation<Uint8Array> {
  return action<Uint8Array>((resolve, reject) => {
    const body = response.source;
    const attempt = response.owner;
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (error: unknown) =>
      reject(translateError(error, response.url, attempt.timeouts) as Error);
    const onData = (chunk: Buffer) => {
      if (!response.count(chunk.length)) return;
      size += chunk.length;
      chunks.push(chunk);
      attempt.refresh();
    };
    const onEnd = () => {
      response.finish();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onClose = () => {
      if (!body.readableEnded) fail(body.errored ?? closedEarly(response));
    };
    attempt.waiter = fail;
    attempt.arm("body", attempt.timeouts.body);
    body.on("data", onData).on("end", onEnd).on("error", fail).on("close", onClose);
    return () => {
      attempt.waiter = undefined;
      attempt.disarm();
      body.off("data", onData).off("end", onEnd).off("error", fail).off("close", onClose);
    };
  });
}

class BodySubscription implements Subscription<Uint8Array, void> {
  constructor(private response: ResponseImpl) {}

  next(): Operation<IteratorResult<Uint8Array, void>> {
    const response = this.response;
    return action<IteratorResult<Uint8Array, void>>((resolve, reject) => {
      const body = response.source;
      const attempt = response.owner;
      const fail = (error: unknown) =>
        reject(translateError(error, response.url, attempt.timeouts) as Error);
      const tryRead = (): boolean => {
        const chunk = body.read() as Buffer | null;
        if (chunk !== null) {
          if (response.count(chunk.length)) resolve({ done: false, value: chunk });
          return true;
        }
        if (body.readableEnded) {
          response.finish();
          resolve({ done: true, value: undefined });
          return true;
        }
        return false;
      };
      const onEnd = () => {
        response.finish();
        resolve({ done: true, value: undefined });
      };
      const onClose = () => {
        if (!body.readableEnded) fail(body.errored ?? closedEarly(response));
      };
      attempt.waiter = fail;
      if (body.errored) {
        fail(body.errored);
      } else if (body.destroyed) {
        fail(closedEarly(response));
      } else if (!tryRead()) {
        attempt.arm("body", attempt.timeouts.body);
        body.on("readable", tryRead).on("end", onEnd).on("error", fail).on("close", onClose);
      }
      return () => {
        attempt.waiter = undefined;
        attempt.disarm();
        body.off("readable", tryRead).off("end", onEnd).off("error", fail).off("close", onClose);
      };
    });
  }
}
