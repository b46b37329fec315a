import type { IncomingHttpHeaders } from "node:http";
import type { Dispatcher } from "undici";
import { HttpTimeoutError, ResponseTooLargeError, type TimeoutPhase } from "./errors.js";
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
  private receivedBytes = 0;
  private phase: TimeoutPhase = "connect";
  private phaseMs = Infinity;
  private deadline = Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private timerDue = Infinity;

  constructor(
    readonly url: string,
    readonly timeouts: PhaseTimeouts,
    private limit: number,
  ) {}

  /** Start (or restart) the deadline of `phase`, `ms` from now. */
  arm(phase: TimeoutPhase, ms: number): void {
    this.phase = phase;
    this.phaseMs = ms;
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
    if (this.deadline !== Infinity) this.deadline = Date.now() + this.phaseMs;
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
    if (!this.ended) this.controller?.abort(this.error);
    this.notify();
  }

  /** Abort what is still on the wire without a reason to report. */
  abort(): void {
    this.stop();
    if (this.ended) return;
    this.error ??= new Error("the request was aborted");
    this.controller?.abort(this.error);
  }

  /** Bytes of the body received so far. */
  get received(): number {
    return this.receivedBytes;
  }

  /** Let a paused socket flow again. */
  flow(): void {
    if (this.controller?.paused) this.controller.resume();
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
    this.disarm();
    this.notify();
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.receivedBytes += chunk.length;
    if (this.receivedBytes > this.limit) {
      this.fail(new ResponseTooLargeError(this.limit, this.receivedBytes, this.url));
      return;
    }
    this.refresh();
    if (this.discard) {
      this.notify();
      return;
    }
    this.chunks.push(chunk);
    this.queued += chunk.length;
    if (!this.whole && this.queued >= HIGH_WATER_BYTES) controller.pause();
    this.notify();
  }

  onResponseEnd(): void {
    this.ended = true;
    this.stop();
    this.notify();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.error === undefined) {
      this.error = translateError(error, this.url, this.timeouts) as Error;
    }
    this.stop();
    this.notify();
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
