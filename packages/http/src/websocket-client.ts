import type { IncomingMessage } from "node:http";
import { action, label, type Operation, resource } from "@skein/core";
import { WebSocket } from "ws";
import {
  settleWebSocketOptions,
  useWebSocketConnection,
  type WebSocketConnection,
  type WebSocketOptions,
} from "./websocket-connection.js";
import { WebSocketConnectError } from "./websocket-errors.js";

/**
 * How {@link useWebSocket} connects: the connection's options, plus subprotocols to offer,
 * headers for the handshake and how long it may take (10 s).
 *
 * @example
 * ```ts
 * import type { WebSocketClientOptions } from "@skein/http";
 *
 * const options: WebSocketClientOptions = { protocols: ["chat.v1"], handshakeTimeoutMs: 2000 };
 * ```
 */
export interface WebSocketClientOptions extends WebSocketOptions {
  protocols?: string | string[];
  headers?: Record<string, string>;
  handshakeTimeoutMs?: number;
}

/**
 * Open a WebSocket (`ws://` or `wss://`) for the current scope, on the `ws` library. The
 * connection is closed (1000) when the scope ends; see {@link WebSocketConnection}. A refused
 * connection, a failed handshake or an answer other than 101 throws `WebSocketConnectError`.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { useWebSocket } from "@skein/http";
 *
 * await run(function* () {
 *   const socket = yield* useWebSocket("ws://127.0.0.1:8080/echo");
 *   yield* socket.send("hello");
 *   const reply = yield* (yield* socket.messages).next();
 *   console.log(reply.value);
 * });
 * ```
 *
 * @param url - where to connect
 * @param options - see {@link WebSocketClientOptions}
 * @returns an operation yielding the open connection
 */
export function useWebSocket(
  url: string | URL,
  options: WebSocketClientOptions = {},
): Operation<WebSocketConnection> {
  return resource<WebSocketConnection>(function* (provide) {
    const settled = settleWebSocketOptions(options);
    const href = String(url);
    yield* label(`websocket ${href}`);
    const socket = new WebSocket(href, options.protocols, {
      maxPayload: settled.maxMessageBytes,
      perMessageDeflate: false,
      headers: options.headers,
      handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
    });
    let opened = false;
    try {
      yield* action<void>((resolve, reject) => {
        const onOpen = () => resolve();
        const onError = (error: Error) => reject(new WebSocketConnectError(href, undefined, error));
        const onResponse = (_request: unknown, response: IncomingMessage) => {
          response.resume();
          reject(
            new WebSocketConnectError(href, response.statusCode, new Error("unexpected response")),
          );
          socket.terminate();
        };
        socket.once("open", onOpen);
        socket.on("error", onError);
        socket.once("unexpected-response", onResponse);
        return () => {
          socket.off("open", onOpen);
          socket.off("error", onError);
          socket.off("unexpected-response", onResponse);
        };
      });
      opened = true;
    } finally {
      // Failed, or halted while connecting: nothing may be left connecting.
      if (!opened) {
        socket.on("error", () => {});
        socket.terminate();
      }
    }
    const connection = yield* useWebSocketConnection(socket, settled);
    yield* provide(connection);
  });
}
