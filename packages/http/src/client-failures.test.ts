import type { ServerResponse } from "node:http";
import { spawn, suspend, TimeoutError, timeout, withResolvers } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { failure, useTestServer, withoutLeaks } from "../test/servers.js";
import { useHttpClient } from "./client.js";
import { HttpTimeoutError, ResponseTooLargeError, SocketError } from "./errors.js";

const GIB = 1024 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 120);

describe("useHttpClient() against a misbehaving server", () => {
  it("throws SocketError when the connection is reset in the middle of the body", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer((request, response) => {
        response.writeHead(200, { "content-length": "100000" });
        response.write(Buffer.alloc(1000), () => request.socket.resetAndDestroy());
      });
      const client = yield* useHttpClient({ timeouts: { total: 2000 } });
      const error = yield* failure(client.bytes(server.url));
      expect(error).toBeInstanceOf(SocketError);
      expect((error as SocketError).code).toBe("socket");
    });
  });

  it("throws a headers HttpTimeoutError when the headers never arrive", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer(() => {});
      const client = yield* useHttpClient({ timeouts: { headers: 100 } });
      const started = Date.now();
      const error = yield* failure(client.text(server.url));
      const elapsed = Date.now() - started;
      expect(error).toBeInstanceOf(HttpTimeoutError);
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as HttpTimeoutError).phase).toBe("headers");
      expect((error as HttpTimeoutError).ms).toBe(100);
      expect(elapsed).toBeGreaterThanOrEqual(95);
      // Far below what a missing timeout would take (forever): not a timing claim.
      expect(elapsed).toBeLessThan(5_000);
    });
  });

  it("throws a body HttpTimeoutError when the body stalls", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer((_, response) => {
        response.writeHead(200, { "content-length": "10" });
        response.write("12345");
      });
      const client = yield* useHttpClient({ timeouts: { body: 80 } });
      const error = yield* failure(client.text(server.url));
      expect(error).toBeInstanceOf(HttpTimeoutError);
      expect((error as HttpTimeoutError).phase).toBe("body");
    });
  });

  it("throws a connect HttpTimeoutError while waiting for a connection", function* () {
    yield* withoutLeaks(function* () {
      const arrived = withResolvers<void>();
      const server = yield* useTestServer(() => arrived.resolve());
      const client = yield* useHttpClient({ perHost: 1 });
      const first = yield* spawn(() => client.text(server.url));
      yield* arrived.operation;
      const error = yield* failure(client.text(server.url, { timeouts: { connect: 60 } }));
      expect(error).toBeInstanceOf(HttpTimeoutError);
      expect((error as HttpTimeoutError).phase).toBe("connect");
      yield* first.halt();
    });
  });

  it("throws a total HttpTimeoutError when a trickling body takes too long", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer((_, response) => {
        const id = setInterval(() => response.write("."), 10);
        response.on("close", () => clearInterval(id));
      });
      const client = yield* useHttpClient({ timeouts: { body: 100, total: 150 } });
      const started = Date.now();
      const error = yield* failure(client.text(server.url));
      expect(error).toBeInstanceOf(HttpTimeoutError);
      expect((error as HttpTimeoutError).phase).toBe("total");
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });

  it("ends within the enclosing deadline of @skein/core", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer((_, response) => {
        const id = setInterval(() => response.write("."), 10);
        response.on("close", () => clearInterval(id));
      });
      const client = yield* useHttpClient();
      const started = Date.now();
      const error = yield* failure(timeout(120, client.text(server.url)));
      expect(error).toBeInstanceOf(TimeoutError);
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });

  it("stops a lazily streamed 1 GB body at a 1 MB limit", function* () {
    yield* withoutLeaks(function* () {
      let written = 0;
      const server = yield* useTestServer((_, response) => {
        const pump = () => {
          while (written < GIB && !response.destroyed) {
            written += CHUNK.length;
            if (!response.write(CHUNK)) return void response.once("drain", pump);
          }
          response.end();
        };
        pump();
      });
      const client = yield* useHttpClient({ maxResponseBytes: 1024 * 1024 });
      const started = Date.now();
      const error = yield* failure(client.bytes(server.url));
      expect(error).toBeInstanceOf(ResponseTooLargeError);
      expect((error as ResponseTooLargeError).limit).toBe(1024 * 1024);
      expect((error as ResponseTooLargeError).received).toBeGreaterThan(1024 * 1024);
      expect(written).toBeLessThan(64 * 1024 * 1024);
      expect(Date.now() - started).toBeLessThan(2000);
    });
  });

  it("refuses an announced 1 GB body before reading it", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer((_, response) => {
        response.writeHead(200, { "content-length": String(GIB) });
        response.write(CHUNK);
      });
      const client = yield* useHttpClient({ maxResponseBytes: 1024 * 1024 });
      const error = yield* failure(client.get(server.url));
      expect(error).toBeInstanceOf(ResponseTooLargeError);
      expect((error as ResponseTooLargeError).received).toBe(GIB);
    });
  });

  it("closes the socket when a request is halted mid-body", function* () {
    yield* withoutLeaks(function* () {
      const closed = withResolvers<number>();
      const server = yield* useTestServer((request, response) => {
        request.socket.on("close", () => closed.resolve(Date.now()));
        response.write("first chunk");
      });
      const client = yield* useHttpClient();
      const reading = withResolvers<void>();
      const task = yield* spawn(function* () {
        const response = yield* client.get(server.url);
        const subscription = yield* response.body;
        yield* subscription.next();
        reading.resolve();
        yield* suspend();
      });
      yield* reading.operation;
      const halted = Date.now();
      yield* task.halt();
      // The server never ends the response: only the client can close the connection. The
      // bound tells a hang from a close; latency under load is the bench's business.
      const at = yield* timeout(5_000, closed.operation);
      expect(at).toBeGreaterThanOrEqual(halted);
    });
  });

  it("closes the socket when a request is halted before its headers", function* () {
    yield* withoutLeaks(function* () {
      const arrived = withResolvers<void>();
      const closed = withResolvers<number>();
      const server = yield* useTestServer((request) => {
        request.socket.on("close", () => closed.resolve(Date.now()));
        arrived.resolve();
      });
      const client = yield* useHttpClient();
      const task = yield* spawn(() => client.text(server.url));
      yield* arrived.operation;
      const halted = Date.now();
      yield* task.halt();
      // The server never ends the response: only the client can close the connection. The
      // bound tells a hang from a close; latency under load is the bench's business.
      const at = yield* timeout(5_000, closed.operation);
      expect(at).toBeGreaterThanOrEqual(halted);
    });
  });

  it("never sends a request halted while it waited for a connection", function* () {
    yield* withoutLeaks(function* () {
      const seen: string[] = [];
      const arrived = withResolvers<ServerResponse>();
      const server = yield* useTestServer((request, response) => {
        seen.push(request.url ?? "");
        if (request.url === "/first") arrived.resolve(response);
        else response.end("later");
      });
      const client = yield* useHttpClient({ perHost: 1 });
      const first = yield* spawn(() => client.text(`${server.url}/first`));
      const held = yield* arrived.operation;
      const sending = withResolvers<void>();
      const queued = yield* spawn(function* () {
        sending.resolve();
        return yield* client.text(`${server.url}/halted`);
      });
      yield* sending.operation;
      yield* queued.halt();
      held.end("first");
      expect(yield* first).toBe("first");
      expect(yield* client.text(`${server.url}/third`)).toBe("later");
      expect(seen).toEqual(["/first", "/third"]);
    });
  });

  it("keeps the server waiting while the body stream is not read", function* () {
    yield* withoutLeaks(function* () {
      let written = 0;
      const blocked = withResolvers<number>();
      const server = yield* useTestServer((_, response) => {
        const pump = () => {
          while (!response.destroyed) {
            written += CHUNK.length;
            if (!response.write(CHUNK)) return void blocked.resolve(written);
          }
        };
        pump();
      });
      const client = yield* useHttpClient();
      const response = yield* client.get(server.url);
      const subscription = yield* response.body;
      const first = yield* subscription.next();
      expect(first.done).toBe(false);
      const bytes = yield* blocked.operation;
      expect(bytes).toBeLessThan(16 * 1024 * 1024);
    });
  });
});
