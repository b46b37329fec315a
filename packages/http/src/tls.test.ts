import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { action, type Operation, resource } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { testCertificates } from "../test/certificates.js";
import { failure, withoutLeaks } from "../test/servers.js";
import { useHttpClient } from "./client.js";
import { ConnectError, TlsError } from "./errors.js";
import { readJson } from "./read-body.js";
import { createRouter } from "./router.js";
import { useHttpServer } from "./server.js";

/** A plain node:https server on 127.0.0.1 with the test certificate; counts its handshakes. */
function useHttpsServer(): Operation<{ url: string; connections: () => number }> {
  return resource(function* (provide) {
    const { cert, key } = testCertificates();
    let connections = 0;
    const server: Server = createServer({ cert, key }, (request, response) => {
      response.setHeader("content-type", "text/plain");
      response.end(`secure ${request.method} ${request.url}`);
    });
    server.on("connection", () => connections++);
    yield* action<void>((resolve) => {
      server.listen(0, "127.0.0.1", () => resolve());
      return () => {};
    });
    const { port } = server.address() as AddressInfo;
    try {
      yield* provide({ url: `https://127.0.0.1:${port}`, connections: () => connections });
    } finally {
      server.closeAllConnections();
      yield* action<void>((resolve) => {
        server.close(() => resolve());
        return () => {};
      });
    }
  });
}

describe("HTTPS", () => {
  it("refuses a certificate from an unknown CA with TlsError, without retrying", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useHttpsServer();
      const client = yield* useHttpClient({ retry: { baseDelayMs: 1 } });
      const error = (yield* failure(client.text(`${server.url}/`))) as TlsError;
      expect(error).toBeInstanceOf(TlsError);
      expect(error).toBeInstanceOf(ConnectError);
      expect(error.code).toBe("tls");
      expect(error.reason).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
      expect(error.url).toBe(`${server.url}/`);
      expect(server.connections()).toBe(1);
    });
  });

  it("trusts the server once given its CA", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useHttpsServer();
      const client = yield* useHttpClient({ tls: { ca: testCertificates().ca } });
      expect(yield* client.text(`${server.url}/hello`)).toBe("secure GET /hello");
      const response = yield* client.post(`${server.url}/again`, { body: "x" });
      expect(yield* response.text()).toBe("secure POST /again");
    });
  });

  it("accepts any certificate with rejectUnauthorized: false", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useHttpsServer();
      const client = yield* useHttpClient({ tls: { rejectUnauthorized: false } });
      expect(yield* client.text(server.url)).toBe("secure GET /");
    });
  });

  it("refuses a host the certificate does not name", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useHttpsServer();
      const client = yield* useHttpClient({
        tls: { ca: testCertificates().ca, servername: "skein.invalid" },
      });
      const error = (yield* failure(client.text(server.url))) as TlsError;
      expect(error).toBeInstanceOf(TlsError);
      expect(error.reason).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
    });
  });

  it("serves HTTPS from useHttpServer with tls: { key, cert }", function* () {
    yield* withoutLeaks(function* () {
      const { ca, cert, key } = testCertificates();
      const router = createRouter().post("/echo", function* (request) {
        return Response.json({ url: request.url, got: yield* readJson(request) });
      });
      const server = yield* useHttpServer({ handler: router.handle, tls: { key, cert } });
      expect(server.url).toBe(`https://127.0.0.1:${server.port}`);
      const client = yield* useHttpClient({ baseUrl: server.url, tls: { ca } });
      expect(yield* client.json("/echo", { method: "POST", json: { n: 1 } })).toEqual({
        url: `${server.url}/echo`,
        got: { n: 1 },
      });
      const untrusting = yield* useHttpClient({ baseUrl: server.url });
      expect(yield* failure(untrusting.text("/echo"))).toBeInstanceOf(TlsError);
    });
  });
});
