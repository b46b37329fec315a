import { createChannel, spawn, suspend } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { useRawClient } from "../test/raw-client.js";
import { withoutLeaks } from "../test/servers.js";
import { useHttpServer } from "./server.js";
import { lastEventId, type ServerSentEvent, sse } from "./stream-response.js";

describe("sse()", () => {
  it("sends heartbeat comments while no event comes, so the connection outlives idleTimeoutMs", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useHttpServer({
        *handler() {
          const events = createChannel<ServerSentEvent, void>();
          return sse(events, {}, { heartbeatMs: 20 });
        },
        // Without heartbeats the silent stream would be cut after 100 ms.
        idleTimeoutMs: 100,
      });
      const client = yield* useRawClient(server.port);
      client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      // Heartbeats are chunks of ":\n\n"; ten of them span more than 200 ms of silence.
      const text = yield* client.until(":\n\n", 10);
      expect(client.socket.destroyed).toBe(false);
      expect(text).toMatch(/^HTTP\/1\.1 200 /);
    });
  });

  it("hands the Last-Event-ID of a reconnecting client to the handler", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useHttpServer({
        *handler(request) {
          const from = Number(lastEventId(request) ?? -1) + 1;
          const events = createChannel<ServerSentEvent, void>();
          yield* spawn(function* () {
            yield* events.send({ id: String(from), data: `from ${from}` });
            yield* suspend();
          });
          return sse(events, {}, { heartbeatMs: 0 });
        },
      });
      const client = yield* useRawClient(server.port);
      client.write("GET / HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 41\r\n\r\n");
      const text = yield* client.until("data: from 42\n\n");
      expect(text).toContain("id: 42\ndata: from 42\n\n");
    });
  });
});
