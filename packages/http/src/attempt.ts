import type { Dispatcher } from "undici";
import { HttpTimeoutError, type TimeoutPhase } from "./errors.js";

/** Internal. The phase timeouts of a client, in milliseconds; `Infinity` for none. */
export interface PhaseTimeouts {
  connect: number;
  headers: number;
  body: number;
}

/**
 * Internal. One try of a request on the wire: its abort controller and the one timer of its
 * current phase. A timeout or a failure aborts the undici request with the error as reason and
 * hands the error to whoever waits on the attempt.
 */
export class Attempt {
  readonly controller = new AbortController();
  /** Rejects the operation waiting for the response headers, if any. */
  waiter: ((error: Error) => void) | undefined = undefined;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(
    readonly url: string,
    readonly timeouts: PhaseTimeouts,
  ) {}

  /** Start (or restart) the timer of `phase`. */
  arm(phase: TimeoutPhase, ms: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer =
      ms === Infinity
        ? undefined
        : setTimeout(() => this.fail(new HttpTimeoutError(phase, ms, this.url)), ms);
  }

  /** Stop the phase timer. */
  disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Restart the current phase timer from now. */
  refresh(): void {
    this.timer?.refresh();
  }

  /** Called by the dispatcher when the request has a socket and is being written. */
  connected(): void {
    this.arm("headers", this.timeouts.headers);
  }

  fail(error: Error): void {
    this.disarm();
    if (!this.controller.signal.aborted) this.controller.abort(error);
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(error);
  }
}

/** Internal. Passes every call through and tells the attempt when its request got a socket. */
class ConnectedHandler implements Dispatcher.DispatchHandler {
  constructor(
    private inner: Dispatcher.DispatchHandler,
    private attempt: Attempt,
  ) {}
  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.attempt.connected();
    this.inner.onRequestStart?.(controller, context);
  }
  onRequestUpgrade(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Dispatcher.DispatchOptions["headers"] & {},
    socket: import("node:stream").Duplex,
  ): void {
    this.inner.onRequestUpgrade?.(controller, statusCode, headers as never, socket);
  }
  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: import("node:http").IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    this.inner.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }
  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.inner.onResponseData?.(controller, chunk);
  }
  onResponseEnd(
    controller: Dispatcher.DispatchController,
    trailers: import("node:http").IncomingHttpHeaders,
  ): void {
    this.inner.onResponseEnd?.(controller, trailers);
  }
  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.inner.onResponseError?.(controller, error);
  }
}

/**
 * Internal. An undici interceptor that reports the end of the connect phase to the
 * {@link Attempt} passed as the request's `opaque`.
 */
export function trackConnect(dispatch: Dispatcher.Dispatch): Dispatcher.Dispatch {
  return (options, handler) => {
    const attempt = (options as { opaque?: unknown }).opaque;
    if (!(attempt instanceof Attempt)) return dispatch(options, handler);
    return dispatch(options, new ConnectedHandler(handler, attempt));
  };
}
