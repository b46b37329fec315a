/**
 * A WebSocket send or close on a connection that is closed (or closing): the peer left, the
 * dead-peer timeout cut it, or it was closed here.
 *
 * @example
 * ```ts
 * import { WebSocketClosedError } from "@skein/http";
 *
 * const error = new WebSocketClosedError(1006, "");
 * console.log(error.code, error.closeCode); // websocket-closed 1006
 * ```
 */
export class WebSocketClosedError extends Error {
  override name = "WebSocketClosedError";
  readonly code = "websocket-closed";
  constructor(
    /** The close code, once known (1006 for a connection that broke without one). */
    readonly closeCode: number | undefined,
    readonly reason: string,
  ) {
    super(
      closeCode === undefined
        ? "the WebSocket is closing"
        : `the WebSocket is closed (${closeCode}${reason ? ` ${reason}` : ""})`,
    );
  }
}

/**
 * `useWebSocket` could not open its connection: refused, a failed handshake, or an HTTP
 * answer other than 101 (its `status`).
 *
 * @example
 * ```ts
 * import { WebSocketConnectError } from "@skein/http";
 *
 * const error = new WebSocketConnectError("ws://127.0.0.1:1/", 404, new Error("404"));
 * console.log(error.code, error.url, error.status); // websocket-connect ws://127.0.0.1:1/ 404
 * ```
 */
export class WebSocketConnectError extends Error {
  override name = "WebSocketConnectError";
  readonly code = "websocket-connect";
  constructor(
    readonly url: string,
    /** The HTTP status the server answered with instead of 101, if it answered. */
    readonly status: number | undefined,
    cause: unknown,
  ) {
    super(
      `could not open a WebSocket to ${url}${status === undefined ? "" : `: the server answered ${status}`}`,
      { cause },
    );
  }
}
