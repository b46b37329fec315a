import type { IncomingHttpHeaders } from "node:http";
import type { Transform } from "node:stream";
import type { Dispatcher } from "undici";
import { createDecoder } from "./decode-body.js";
import {
  HttpTimeoutError,
  MalformedResponseError,
  ResponseTooLargeError,
  type TimeoutPhase,
} from "./errors.js";
import { translateError } from "./translate-error.js";

/** Internal. The phase timeouts of a client, in milliseconds; `Infinity` for none. */
export interface PhaseTimeouts {
  connect: number;
  headers: number;
  body: number;
}

/** Past this many unread bytes of a body not read whole, the socket is paused. */
const HIGH_WATER_BYTES = 64 * 1024;

/**
 * Internal. One try of a request on the wire, and the undici dispatch handler that receives its
 * response: the status and headers, then the body chunks, queued until they are read. A single
 * timer watches the deadline of the current phase; moving the deadline later (a new phase, a
 * chunk) only updates a field, and the timer re-arms itself for the rest when it fires early.
 * A timeout or a failure aborts the request with the error as reason and wakes whoever waits.
 */
export class Attempt implements Dispatcher.DispatchHandler {
  status = 0;
  headers: IncomingHttpHeaders = {};
  /** Body chunks received and not taken yet. */
  chunks: Buffer[] = [];
  queued = 0;
  ended = false;
  /** Whether the whole body is wanted: chunks are kept without pausing the socket. */
  whole = false;
  /** Once set, received chunks are dropped instead of queued. */
  discard = false;
  /** How the attempt failed: a timeout, a limit, the connection, or an abort. */
  error: Error | undefined = undefined;
  /** Called once when the headers arrive, a chunk or the end comes, or the attempt fails. */
  wake: (() => void) | undefined = undefined;
  private controller: Dispatcher.DispatchController | undefined = undefined;
  /** Bytes received off the wire, before decoding. */
  private receivedBytes = 0;
  /** Bytes of the body as the caller sees it, after decoding: what the limit applies to. */
  private bodyBytes = 0;
  /** Whether undici delivered the whole response (the body may still be decoding). */
  private wireEnded = false;
  /** The `content-encoding` to undo, when `decode` is on and it is one the client knows. */
  private coding: string | undefined = undefined;
  private decoder: Transform | undefined = undefined;
  private phase: TimeoutPhase = "connect";
  private phaseMs = Infinity;
  /** Whether a chunk moves the deadline (a wait per chunk) or not (a bound on the whole phase). */
  private sliding = true;
  private deadline = Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private timerDue = Infinity;

  constructor(
    readonly url: string,
    readonly timeouts: PhaseTimeouts,
    private limit: number,
    private decode = false,
    readonly method = "GET",
  ) {}

  /**
   * What a task waiting on this attempt waits on, for `inspect()` and `skein ps`: the method,
   * the URL and the phase (`connecting` until a socket takes the request, then `headers`, then
   * `body`).
   */
  readonly describe = (): string => {
    const phase =
      this.controller === undefined ? "connecting" : this.status === 0 ? "headers" : "body";
    return `${this.method} ${this.url} (${phase})`;
  };

  /**
   * Start (or restart) the deadline of `phase`, `ms` from now. A `sliding` deadline moves on
   * with each chunk received; a fixed one bounds the phase as a whole.
   */
  arm(phase: TimeoutPhase, ms: number, sliding = true): void {
    this.phase = phase;
    this.phaseMs = ms;
    this.sliding = sliding;
    if (ms === Infinity) {
      this.deadline = Infinity;
      return;
    }
    this.deadline = Date.now() + ms;
    if (this.deadline < this.timerDue) this.schedule(ms);
  }

  /** Stop watching the current phase; the timer, if any, runs out and stops. */
  disarm(): void {
    this.deadline = Infinity;
  }

  /** Move the deadline of the current phase to its full length from now. */
  refresh(): void {
    if (this.sliding && this.deadline !== Infinity) this.deadline = Date.now() + this.phaseMs;
  }

  /** Clear the timer for good. */
  stop(): void {
    this.deadline = Infinity;
    this.timerDue = Infinity;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Abort the request with `error` (unless it already failed) and wake the waiter. */
  fail(error: Error): void {
    if (this.error === undefined) this.error = error;
    this.stop();
    this.decoder?.destroy();
    if (!this.wireEnded) this.controller?.abort(this.error);
    this.notify();
  }

  /** Abort what is still on the wire without a reason to report. */
  abort(): void {
    this.stop();
    this.decoder?.destroy();
    if (this.ended) return;
    this.error ??= new Error("the request was aborted");
    if (!this.wireEnded) this.controller?.abort(this.error);
  }

  /** Bytes of the body received so far. */
  get received(): number {
    return this.receivedBytes;
  }

  /** Let a paused socket (and decoder) flow again. */
  flow(): void {
    this.decoder?.resume();
    if (this.controller?.paused && !this.decoder?.writableNeedDrain) this.controller.resume();
  }

  /** Take the next queued chunk, letting a paused socket flow again below the high-water mark. */
  shift(): Buffer | undefined {
    const chunk = this.chunks.shift();
    if (chunk === undefined) return undefined;
    this.queued -= chunk.length;
    if (this.queued < HIGH_WATER_BYTES) this.flow();
    return chunk;
  }

  /** Take every queued chunk, letting a paused socket flow again. */
  take(): Buffer[] {
    const chunks = this.chunks;
    this.chunks = [];
    this.queued = 0;
    this.flow();
    return chunks;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.error !== undefined) controller.abort(this.error);
    else this.arm("headers", this.timeouts.headers);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    if (statusCode < 200) return;
    this.status = statusCode;
    this.headers = headers;
    if (this.decode) this.coding = knownCoding(headers["content-encoding"]);
    this.disarm();
    this.notify();
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.receivedBytes += chunk.length;
    this.refresh();
    if (this.discard) {
      if (this.receivedBytes > this.limit) {
        this.fail(new ResponseTooLargeError(this.limit, this.receivedBytes, this.url));
      }
      this.notify();
      return;
    }
    if (this.coding === undefined) {
      this.push(chunk);
      return;
    }
    const decoder = (this.decoder ??= this.startDecoder(this.coding));
    if (!decoder.write(chunk) && !this.whole) controller.pause();
  }

  onResponseEnd(): void {
    this.wireEnded = true;
    if (this.decoder !== undefined && !this.discard) this.decoder.end();
    else this.finish();
  }
  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.error === undefined) {
      this.error = translateError(error, this.url, this.timeouts, this.status);
    }
    this.wireEnded = true;
    this.stop();
    this.decoder?.destroy();
    this.notify();
  }

  /** Queue a chunk of the body as the caller sees it, within the limit. */
  private push(chunk: Buffer): void {
    if (this.discard || this.error !== undefined) return;
    this.bodyBytes += chunk.length;
    if (this.bodyBytes > this.limit) {
      this.fail(new ResponseTooLargeError(this.limit, this.bodyBytes, this.url));
      return;
    }
    this.chunks.push(chunk);
    this.queued += chunk.length;
    if (!this.whole && this.queued >= HIGH_WATER_BYTES) {
      this.controller?.pause();
      this.decoder?.pause();
    }
    this.notify();
  }

  private finish(): void {
    this.ended = true;
    this.stop();
    this.decoder?.destroy();
    this.notify();
  }

  private startDecoder(coding: string): Transform {
    const decoder = createDecoder(coding);
    decoder.on("data", (chunk: Buffer) => this.push(chunk));
    decoder.on("end", () => this.finish());
    decoder.on("drain", () => {
      if (this.whole || this.queued < HIGH_WATER_BYTES) this.flow();
    });
    decoder.on("error", (error) => {
      this.fail(new MalformedResponseError(this.url, "decompression", error, this.status));
    });
    return decoder;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private schedule(ms: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerDue = Date.now() + ms;
    this.timer = setTimeout(() => this.expire(), ms);
  }

  private expire(): void {
    this.timer = undefined;
    this.timerDue = Infinity;
    if (this.deadline === Infinity) return;
    const left = this.deadline - Date.now();
    if (left > 1) this.schedule(left);
    else this.fail(new HttpTimeoutError(this.phase, this.phaseMs, this.url));
  }
}

/** The one coding of a `content-encoding` the client undoes; a list of codings is left alone. */
function knownCoding(value: string | string[] | undefined): string | undefined {
  if (typeof value !== "string") return undefined;
  const coding = value.trim().toLowerCase();
  return coding === "gzip" || coding === "x-gzip" || coding === "deflate" || coding === "br"
    ? coding
    : undefined;
}
