import type { AddressInfo } from "node:net";
import { createServer, type Server, type Socket } from "node:net";
import { action, type Operation, resource } from "@skein/core";

/** A TCP server that speaks whatever a test writes to its sockets. */
export interface RawServer {
  /** `http://host:port` */
  url: string;
  port: number;
  server: Server;
  sockets: Set<Socket>;
  /** How many connections it has accepted. */
  accepted: number;
}

/**
 * Start a plain TCP server on `host` and a port of its own, calling `onConnection` for each
 * socket, with the request's first bytes already read when `waitForRequest` (the default).
 * It is closed, sockets and all, with the test's scope.
 */
export function useRawServer(
  onConnection: (socket: Socket, request: string) => void,
  host = "127.0.0.1",
): Operation<RawServer> {
  return resource<RawServer>(function* (provide) {
    const server = createServer((socket) => {
      state.accepted++;
      state.sockets.add(socket);
      socket.on("close", () => state.sockets.delete(socket));
      socket.on("error", () => {});
      let head = "";
      const onData = (chunk: Buffer) => {
        head += chunk.toString("latin1");
        if (!head.includes("\r\n\r\n")) return;
        socket.off("data", onData);
        onConnection(socket, head);
      };
      socket.on("data", onData);
    });
    const state: RawServer = { url: "", port: 0, server, sockets: new Set(), accepted: 0 };
    yield* action<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, host, () => resolve());
      return () => server.off("error", reject);
    });
    state.port = (server.address() as AddressInfo).port;
    state.url = `http://${host}:${state.port}`;
    try {
      yield* provide(state);
    } finally {
      for (const socket of state.sockets) socket.destroy();
      yield* action<void>((resolve) => {
        server.close(() => resolve());
        return () => {};
      });
    }
  });
}

/**
 * Write `byte` to `socket` every `ms` until it closes: a server trickling a body. The timer is
 * cleared when the socket closes, so it never outlives the test's server.
 */
export function trickle(socket: Socket, ms: number, byte = "x"): void {
  const id = setInterval(() => {
    if (!socket.destroyed) socket.write(byte);
  }, ms);
  socket.on("close", () => clearInterval(id));
}
