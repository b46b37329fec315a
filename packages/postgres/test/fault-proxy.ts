import { createServer, type Socket, connect as tcpConnect } from "node:net";
import { action, type Operation, resource, until } from "@skein/core";

/** Which way the bytes go: client to server (`up`) or server to client (`down`). */
export type Direction = "up" | "down";

/**
 * A fault for the next connections: once `at` bytes have gone `direction` on one of them,
 * `stall` stops forwarding that way, `trickle` forwards one byte per `every` ms, `reset`
 * resets both sockets. A `once` fault is cleared when it has fired, so the next connections
 * are clean (a reset only: a stall or a trickle goes on until cleared).
 */
export interface Fault {
  direction: Direction;
  at: number;
  kind: "stall" | "trickle" | "reset";
  every?: number;
  once?: boolean;
}

/** A TCP proxy in front of a server, with faults to inject. */
export interface FaultProxy {
  readonly port: number;
  /** Arm `fault` on every connection from now on (and the ones open now), or clear it. */
  inject(fault: Fault | undefined): void;
  /** The connections open through it. */
  open(): number;
}

interface Pipe {
  from: Socket;
  to: Socket;
  direction: Direction;
  sent: number;
  /** `sent` when the fault was armed: its `at` counts from here. */
  base: number;
  held: Buffer[];
  timer: ReturnType<typeof setInterval> | undefined;
}

/**
 * Test fixture: a TCP proxy on 127.0.0.1, port 0, in front of `host:port`, closed with every
 * socket it opened when the scope ends.
 *
 * @param target - the server to forward to
 * @returns the proxy
 */
export function useFaultProxy(target: { host: string; port: number }): Operation<FaultProxy> {
  return resource<FaultProxy>(function* (provide) {
    let fault: Fault | undefined;
    const sockets = new Set<Socket>();
    const pipes = new Set<Pipe>();

    const flush = (pipe: Pipe): void => {
      while (pipe.held.length > 0 && !pipe.to.destroyed) {
        if (fault?.direction === pipe.direction && pipe.sent - pipe.base >= fault.at) {
          if (fault.kind !== "trickle") return;
          if (pipe.timer !== undefined) return;
          pipe.timer = setInterval(() => {
            const head = pipe.held[0];
            if (head === undefined || pipe.to.destroyed) {
              clearInterval(pipe.timer);
              pipe.timer = undefined;
              return;
            }
            pipe.to.write(head.subarray(0, 1));
            pipe.sent++;
            if (head.length === 1) pipe.held.shift();
            else pipe.held[0] = head.subarray(1);
          }, fault.every ?? 5);
          return;
        }
        const chunk = pipe.held.shift() as Buffer;
        const room =
          fault?.direction === pipe.direction
            ? Math.max(0, fault.at - (pipe.sent - pipe.base))
            : chunk.length;
        const now = chunk.subarray(0, Math.min(room, chunk.length));
        const later = chunk.subarray(now.length);
        if (now.length > 0) {
          pipe.to.write(now);
          pipe.sent += now.length;
        }
        if (later.length > 0) {
          pipe.held.unshift(later);
          if (fault?.kind === "reset") {
            if (fault.once === true) fault = undefined;
            pipe.from.resetAndDestroy();
            pipe.to.resetAndDestroy();
            return;
          }
        }
      }
    };

    const join = (from: Socket, to: Socket, direction: Direction): void => {
      const pipe: Pipe = { from, to, direction, sent: 0, base: 0, held: [], timer: undefined };
      pipes.add(pipe);
      from.on("data", (chunk: Buffer) => {
        pipe.held.push(chunk);
        flush(pipe);
      });
      from.on("close", () => {
        clearInterval(pipe.timer);
        pipes.delete(pipe);
        if (!to.destroyed) to.destroy();
      });
    };

    const server = createServer((client) => {
      const upstream = tcpConnect(target.port, target.host);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on("error", () => {});
        socket.on("close", () => sockets.delete(socket));
      }
      join(client, upstream, "up");
      join(upstream, client, "down");
    });
    yield* action<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
      return () => server.off("error", reject);
    });
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      yield* provide({
        port,
        inject(next) {
          fault = next;
          for (const pipe of pipes) {
            pipe.base = pipe.sent;
            if (next === undefined || next.kind !== "trickle") {
              clearInterval(pipe.timer);
              pipe.timer = undefined;
            }
            flush(pipe);
          }
        },
        open: () => sockets.size / 2,
      });
    } finally {
      for (const pipe of pipes) clearInterval(pipe.timer);
      for (const socket of sockets) socket.destroy();
      yield* until(new Promise<void>((resolve) => server.close(() => resolve())));
    }
  });
}
