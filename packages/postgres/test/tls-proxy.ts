import { readFileSync } from "node:fs";
import { createServer, type Socket, connect as tcpConnect } from "node:net";
import { TLSSocket } from "node:tls";
import { action, type Operation, resource, until } from "@skein/core";

/** The fixture's certificates (`test/tls/`): a CA, a server certificate it signed for 127.0.0.1 and localhost, another CA. */
export const tlsFiles = {
  ca: readFileSync(new URL("./tls/ca.crt", import.meta.url)),
  otherCa: readFileSync(new URL("./tls/other-ca.crt", import.meta.url)),
  cert: readFileSync(new URL("./tls/server.crt", import.meta.url)),
  key: readFileSync(new URL("./tls/server.key", import.meta.url)),
};

/** A TLS endpoint in front of a Postgres server that has SSL off. */
export interface TlsProxy {
  readonly port: number;
  /** Connections whose TLS handshake completed. */
  secured(): number;
}

/** The 8 bytes of Postgres's SSLRequest: length 8, code 80877103. */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]);

/**
 * Test fixture: a server on 127.0.0.1, port 0, that answers Postgres's SSLRequest with `S`,
 * does the TLS handshake with the fixture's certificate, and forwards the decrypted protocol to
 * `target` (a real server, spoken to in the clear). A client that skips the SSLRequest is
 * forwarded as it is. Closed with every socket when the scope ends.
 *
 * @param target - the server to forward to
 * @returns the proxy
 */
export function useTlsProxy(target: { host: string; port: number }): Operation<TlsProxy> {
  return resource<TlsProxy>(function* (provide) {
    const sockets = new Set<Socket>();
    let secured = 0;
    const track = (socket: Socket): Socket => {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => sockets.delete(socket));
      return socket;
    };
    const forward = (client: Socket, first: Buffer | undefined): void => {
      const upstream = track(tcpConnect(target.port, target.host));
      if (first !== undefined && first.length > 0) upstream.write(first);
      client.pipe(upstream);
      upstream.pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    };
    const server = createServer((raw) => {
      track(raw);
      raw.once("data", (head: Buffer) => {
        if (!head.subarray(0, 8).equals(SSL_REQUEST)) {
          forward(raw, head);
          return;
        }
        raw.write("S");
        const secure = track(
          new TLSSocket(raw, { isServer: true, cert: tlsFiles.cert, key: tlsFiles.key }),
        );
        secure.once("secure", () => {
          secured++;
        });
        forward(secure, head.subarray(8));
      });
    });
    yield* action<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
      return () => server.off("error", reject);
    });
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      yield* provide({ port, secured: () => secured });
    } finally {
      for (const socket of sockets) socket.destroy();
      yield* until(new Promise<void>((resolve) => server.close(() => resolve())));
    }
  });
}
