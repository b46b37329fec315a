import type { IncomingHttpHeaders } from "node:http";
import { action, type Operation, type Stream, type Subscription } from "@skein/core";
import type { Attempt } from "./attempt.js";
import { BodyUsedError } from "./body-errors.js";
import { HttpStatusError, InvalidResponseJsonError } from "./errors.js";

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

  constructor(
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    readonly url: string,
    private attempt: Attempt,
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
        return new BodySubscription(response, response.attempt);
      },
    };
  }

  *bytes(): Operation<Uint8Array> {
    this.claim();
    const attempt = this.attempt;
    attempt.whole = true;
    if (!attempt.ended && attempt.error === undefined) {
      attempt.flow();
      attempt.arm("body", attempt.timeouts.body);
      yield* settled(attempt, () => attempt.ended);
    }
    if (attempt.error !== undefined) throw attempt.error;
    this.state = DONE;
    const chunks = attempt.take();
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  }

  *text(): Operation<string> {
    const bytes = yield* this.bytes();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  }

  *json<T = unknown>(): Operation<T> {
    const text = yield* this.text();
    if (text.trim() === "") {
      throw new InvalidResponseJsonError(this.url, this.status, "", "the body is empty");
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      const snippet = text.slice(0, SNIPPET_BYTES);
      throw new InvalidResponseJsonError(this.url, this.status, snippet, (error as Error).message);
    }
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

  /** Internal. Called when the owning scope ends: drains a body never touched, if small. */
  *release(): Operation<void> {
    if (this.state !== UNTOUCHED) return;
    this.state = READING;
    const attempt = this.attempt;
    attempt.discard = true;
    attempt.take();
    if (!attempt.ended && attempt.error === undefined && !tooLong(this.headers)) {
      // One bound for the whole drain: a server trickling a byte at a time cannot hold it open.
      attempt.arm("body", Math.min(attempt.timeouts.body, DRAIN_GRACE_MS), false);
      yield* settled(attempt, () => attempt.ended || attempt.received > DRAIN_BYTES);
    }
    if (attempt.ended && attempt.error === undefined) this.state = DONE;
  }

  /** Internal. */
  claim(): void {
    if (this.state !== UNTOUCHED) throw new BodyUsedError(this.url);
    this.state = READING;
  }

  /** Internal. */
  finish(): void {
    this.state = DONE;
  }
}

function tooLong(headers: IncomingHttpHeaders): boolean {
  return Number(headers["content-length"]) > DRAIN_BYTES;
}

/** Wait until `ready()` holds or the attempt fails; its phase deadline is dropped on the way out. */
function settled(attempt: Attempt, ready: () => boolean): Operation<void> {
  return action<void>((resolve) => {
    const check = () => {
      if (ready() || attempt.error !== undefined) resolve();
      else attempt.wake = check;
    };
    check();
    return () => {
      attempt.wake = undefined;
      attempt.disarm();
    };
  }, attempt.describe);
}

class BodySubscription implements Subscription<Uint8Array, void> {
  constructor(
    private response: ResponseImpl,
    private attempt: Attempt,
  ) {}

  *next(): Operation<IteratorResult<Uint8Array, void>> {
    const attempt = this.attempt;
    for (;;) {
      const chunk = attempt.shift();
      if (chunk !== undefined) return { done: false, value: chunk };
      if (attempt.error !== undefined) throw attempt.error;
      if (attempt.ended) {
        this.response.finish();
        return { done: true, value: undefined };
      }
      attempt.arm("body", attempt.timeouts.body);
      yield* settled(attempt, () => attempt.chunks.length > 0 || attempt.ended);
    }
  }
}
