import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { action, type Operation, race, scoped, withResolvers } from "@skein/core";
import { type WebSocket, WebSocketServer } from "ws";
import {
  settleWebSocketOptions,
  useWebSocketConnection,
  type WebSocketConnection,
  type WebSocketOptions,
} from "./websocket-connection.js";

/**
 * What runs for one accepted WebSocket, in the request's own task: the connection is closed
 * when it returns, throws or is halted (a server shutting down halts it, closing with 1001).
 *
 * @example
 * ```ts
 * import type { WebSocketSession } from "@skein/http";
 *
 * const hello: WebSocketSession<Record<string, string>> = function* (socket) {
 *   yield* socket.send("hello");
 * };
 * ```
 */
export type WebSocketSession<P> = (
  socket: WebSocketConnection,
  request: Request,
  params: P,
) => Operation<void>;

/**
 * Internal. What a WebSocket route answers: to an upgrade request the server runs `accept`; to
 * any other request this is a 426 telling the client to upgrade.
 */
export class WebSocketResponse extends Response {
  constructor(
    readonly accept: (
      incoming: IncomingMessage,
      socket: Duplex,
      head: Buffer,
      request: Request,
      goingAway: () => number,
      upgraded: () => void,
    ) => Operation<void>,
  ) {
    super("this endpoint takes WebSocket connections", {
      status: 426,
      headers: { upgrade: "websocket" },
    });
  }
}

/**
 * Options of {@link webSocket}: those of every connection, and the subprotocols the route
 * speaks (the first the client offers that is in the list is chosen).
 *
 * @example
 * ```ts
 * import type { WebSocketRouteOptions } from "@skein/http";
 *
 * const options: WebSocketRouteOptions = { protocols: ["chat.v1"], maxMessageBytes: 16_384 };
 * ```
 */
export interface WebSocketRouteOptions extends WebSocketOptions {
  protocols?: readonly string[];
}

/**
 * A route handler that accepts WebSocket upgrades and runs `session` for each connection, as
 * aiohttp's `WebSocketResponse` does. Middleware runs first (an auth middleware can refuse the
 * upgrade with a normal response); a plain GET gets 426. The connection lives in the request's
 * task: `session` reads `socket.messages` as a Stream and sends with `yield* socket.send(...)`,
 * and the socket is closed when `session` ends. Pings keep dead peers from lingering, and
 * messages larger than `maxMessageBytes` close the connection with 1009.
 *
 * @example
 * ```ts
 * import { each } from "@skein/core";
 * import { createRouter, webSocket } from "@skein/http";
 *
 * const router = createRouter().get(
 *   "/echo",
 *   webSocket(function* (socket) {
 *     for (const message of yield* each(socket.messages)) {
 *       yield* socket.send(message);
 *       yield* each.next();
 *     }
 *   }),
 * );
 * ```
 *
 * @param session - what runs for each connection
 * @param options - see {@link WebSocketRouteOptions}
 * @returns a route handler for `router.get(pattern, ...)`
 */
export function webSocket<P>(
  session: WebSocketSession<P>,
  options: WebSocketRouteOptions = {},
): (request: Request, params: P) => Operation<Response> {
  const settled = settleWebSocketOptions(options);
  const protocols = options.protocols;
  const server = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: settled.maxMessageBytes,
    perMessageDeflate: false,
    handleProtocols:
      protocols === undefined
        ? undefined
        : (offered) => protocols.find((protocol) => offered.has(protocol)) ?? false,
  });
  return function* webSocketRoute(_request, params) {
    return new WebSocketResponse(function* (incoming, socket, head, request, goingAway, upgraded) {
      const ws = yield* action<WebSocket>((resolve) => {
        server.handleUpgrade(incoming, socket, head, resolve);
        // A failed handshake is answered by ws, which destroys the socket: the server halts
        // this task then.
        return () => {};
      });
      upgraded();
      // Its own scope, so that the connection is closed when this returns (before the server
      // lets go of the socket), not when the request's task ends.
      yield* scoped(function* () {
        const gone = withResolvers<void>();
        const connection = yield* useWebSocketConnection(ws, settled, goingAway, gone.resolve);
        // A session reading messages sees them end; one busy elsewhere is halted.
        yield* race([session(connection, request, params), gone.operation]);
      });
    });
  };
}
