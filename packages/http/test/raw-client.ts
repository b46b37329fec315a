import { connect, type Socket } from "node:net";
import { action, type Operation, resource, withResolvers } from "@skein/core";

/** A TCP connection that writes bytes exactly as given: a hostile or sloppy HTTP client. */
export interface RawClient {
  socket: Socket;
  /** Everything received so far, as latin1 text. */
  readonly received: string;
  write(text: string | Uint8Array): void;
  /**
   * Wait until the received text contains `marker`, `count` times (fails if the socket closes
   * first).
   */
  until(marker: string, count?: number): Operation<string>;
  /** Wait until the server has closed (or reset) the connection; yields what was received. */
  closed(): Operation<string>;
}

/**
 * Open a raw TCP connection to `port` on 127.0.0.1 for the current scope; it is destroyed when
 * the scope ends.
 */
export function useRawClient(port: number): Operation<RawClient> {
  return resource<RawClient>(function* (provide) {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    const closed = withResolvers<void>();
    let waiters: (() => void)[] = [];
    const wake = () => {
      const woken = waiters;
      waiters = [];
      for (const waiter of woken) waiter();
    };
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      wake();
    });
    // A reset is a close too: what matters is that the server let go.
    socket.on("error", () => {});
    socket.on("close", () => {
      closed.resolve();
      wake();
    });
    yield* action<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
      return () => {
        socket.off("connect", resolve);
        socket.off("error", reject);
      };
    });
    const client: RawClient = {
      socket,
      get received() {
        return received;
      },
      write: (text) => {
        socket.write(text);
      },
      *until(marker, count = 1) {
        while (received.split(marker).length - 1 < count) {
          if (socket.destroyed) {
            throw new Error(`the connection closed before ${JSON.stringify(marker)}: ${received}`);
          }
          yield* action<void>((resolve) => {
            waiters.push(resolve);
            return () => {
              waiters = waiters.filter((waiter) => waiter !== resolve);
            };
          });
        }
        return received;
      },
      *closed() {
        yield* closed.operation;
        return received;
      },
    };
    try {
      yield* provide(client);
    } finally {
      socket.destroy();
    }
  });
}
