import { each, type Operation, spawn, suspend, withResolvers } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { createChatRoom } from "../examples/chat-room.js";
import { useRawClient } from "../test/raw-client.js";
import { failure, withoutLeaks } from "../test/servers.js";
import { RequestError } from "./request-errors.js";
import { createRouter } from "./router.js";
import { type HttpServer, useHttpServer } from "./server.js";
import { useWebSocket } from "./websocket-client.js";
import type { WebSocketClose, WebSocketConnection } from "./websocket-connection.js";
import { WebSocketClosedError, WebSocketConnectError } from "./websocket-errors.js";
import { webSocket } from "./websocket-route.js";

const wsUrl = (server: HttpServer, path: string) => `${server.url.replace("http", "ws")}${path}`;

function* echo(socket: WebSocketConnection): Operation<void> {
  for (const message of yield* each(socket.messages)) {
    yield* socket.send(message);
    yield* each.next();
  }
}

/** Read messages until the stream ends; returns them and how it closed. */
function* drain(socket: WebSocketConnection) {
  const seen: unknown[] = [];
  const subscription = yield* socket.messages;
  for (;;) {
    const next = yield* subscription.next();
    if (next.done) return { seen, close: next.value as WebSocketClose };
    seen.push(next.value);
  }
}

/** Open a WebSocket by hand on a raw TCP socket, as a client that can then misbehave. */
function* rawWebSocket(server: HttpServer, path: string) {
  const raw = yield* useRawClient(server.port);
  raw.write(
    `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const head = yield* raw.until("\r\n\r\n");
  expect(head).toMatch(/^HTTP\/1\.1 101 /);
  return raw;
}

describe("webSocket() and useWebSocket()", () => {
  it("echoes text and binary messages, and closes with 1000 when the client's scope ends", function* () {
    yield* withoutLeaks(function* () {
      const ended = withResolvers<WebSocketClose>();
      const router = createRouter().get(
        "/echo",
        webSocket(function* (socket) {
          const { close } = yield* drainAndEcho(socket);
          ended.resolve(close);
        }),
      );
      const server = yield* useHttpServer({ handler: router.handle });
      const client = yield* spawn(function* () {
        const socket = yield* useWebSocket(wsUrl(server, "/echo"));
        const inbox = yield* socket.messages;
        yield* socket.send("hello");
        expect((yield* inbox.next()).value).toBe("hello");
        yield* socket.send(new Uint8Array([1, 2, 3]));
        expect(Array.from((yield* inbox.next()).value as Uint8Array)).toEqual([1, 2, 3]);
      });
      yield* client;
      expect((yield* ended.operation).code).toBe(1000);
    });
  });

  it("answers a plain GET to a WebSocket route with 426, and lets middleware refuse an upgrade", function* () {
    yield* withoutLeaks(function* () {
      const router = createRouter()
        .use(function* (request, next) {
          if (new URL(request.url).searchParams.get("token") !== "ok") {
            throw new RequestError(401, "unauthorized", "no token");
          }
          return yield* next();
        })
        .get("/echo", webSocket(echo));
      const server = yield* useHttpServer({ handler: router.handle });
      const raw = yield* useRawClient(server.port);
      raw.write("GET /echo?token=ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      expect(yield* raw.closed()).toMatch(/^HTTP\/1\.1 426 /);
      const refused = yield* failure(useWebSocket(wsUrl(server, "/echo")));
      expect(refused).toBeInstanceOf(WebSocketConnectError);
      expect((refused as WebSocketConnectError).status).toBe(401);
      const missing = yield* failure(useWebSocket(wsUrl(server, "/nowhere?token=ok")));
      expect((missing as WebSocketConnectError).status).toBe(404);
      const socket = yield* useWebSocket(wsUrl(server, "/echo?token=ok"));
      yield* socket.send("through");
      expect((yield* (yield* socket.messages).next()).value).toBe("through");
    });
  });

  it("closes a connection whose message is larger than maxMessageBytes with 1009", function* () {
    yield* withoutLeaks(function* () {
      const router = createRouter().get("/echo", webSocket(echo, { maxMessageBytes: 1024 }));
      const server = yield* useHttpServer({ handler: router.handle });
      const socket = yield* useWebSocket(wsUrl(server, "/echo"));
      yield* socket.send("x".repeat(2048));
      const { close } = yield* drain(socket);
      expect(close.code).toBe(1009);
      const error = yield* failure(socket.send("again"));
      expect(error).toBeInstanceOf(WebSocketClosedError);
      expect((error as WebSocketClosedError).closeCode).toBe(1009);
    });
  });

  it("cuts a peer that stops answering pings, ending its session's messages with 1006", function* () {
    yield* withoutLeaks(function* () {
      const ended = withResolvers<WebSocketClose>();
      const router = createRouter().get(
        "/quiet",
        webSocket(
          function* (socket) {
            ended.resolve((yield* drain(socket)).close);
          },
          { pingIntervalMs: 30 },
        ),
      );
      const server = yield* useHttpServer({ handler: router.handle });
      // A raw socket never answers a ping.
      const raw = yield* rawWebSocket(server, "/quiet");
      expect((yield* ended.operation).code).toBe(1006);
      yield* raw.closed();
    });
  });

  it("closes every WebSocket with 1001 when the server's scope ends", function* () {
    yield* withoutLeaks(function* () {
      const joined = withResolvers<void>();
      const router = createRouter().get(
        "/wait",
        webSocket(function* () {
          joined.resolve();
          yield* suspend();
        }),
      );
      const ready = withResolvers<HttpServer>();
      const serving = yield* spawn(function* () {
        ready.resolve(yield* useHttpServer({ handler: router.handle }));
        yield* suspend();
      });
      const server = yield* ready.operation;
      const socket = yield* useWebSocket(wsUrl(server, "/wait"));
      yield* joined.operation;
      yield* serving.halt();
      expect((yield* drain(socket)).close.code).toBe(1001);
    });
  });

  it("fails useWebSocket with WebSocketConnectError when nothing listens", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* spawn(function* () {
        return (yield* useHttpServer({ handler: createRouter().handle })).port;
      });
      const port = yield* server;
      const error = yield* failure(useWebSocket(`ws://127.0.0.1:${port}/`));
      expect(error).toBeInstanceOf(WebSocketConnectError);
      expect((error as WebSocketConnectError).code).toBe("websocket-connect");
    });
  });
});

describe("WebSocket backpressure", () => {
  it("makes send wait once sendBufferBytes are queued for a peer that does not read", function* () {
    yield* withoutLeaks(function* () {
      const limit = 256 * 1024;
      const message = new Uint8Array(64 * 1024);
      const full = withResolvers<void>();
      const done = withResolvers<number>();
      const router = createRouter().get(
        "/flood",
        webSocket(
          function* (socket) {
            let most = 0;
            for (let i = 0; i < 100; i++) {
              yield* socket.send(message);
              most = Math.max(most, socket.raw.bufferedAmount);
              if (socket.raw.bufferedAmount >= limit) full.resolve();
            }
            done.resolve(most);
            yield* drain(socket);
          },
          { sendBufferBytes: limit },
        ),
      );
      const server = yield* useHttpServer({ handler: router.handle });
      const raw = yield* rawWebSocket(server, "/flood");
      raw.socket.pause();
      // The sender has filled its buffer while nobody reads; now let the bytes flow.
      yield* full.operation;
      raw.socket.resume();
      const most = yield* done.operation;
      expect(most).toBeLessThan(limit + message.byteLength);
    });
  });
});

describe("WebSocket reading", () => {
  it("stops reading past maxQueuedMessages unread and reads on once they are taken", function* () {
    yield* withoutLeaks(function* () {
      const router = createRouter().get(
        "/ten",
        webSocket(function* (socket) {
          for (let i = 0; i < 10; i++) yield* socket.send(String(i));
          yield* drain(socket);
        }),
      );
      const server = yield* useHttpServer({ handler: router.handle });
      const socket = yield* useWebSocket(wsUrl(server, "/ten"), { maxQueuedMessages: 4 });
      const fourth = withResolvers<boolean>();
      let arrived = 0;
      // Registered after the connection's own listener, so it sees each message once queued.
      socket.raw.on("message", () => {
        if (++arrived === 4) fourth.resolve(socket.raw.isPaused);
      });
      expect(yield* fourth.operation).toBe(true);
      const inbox = yield* socket.messages;
      const seen: unknown[] = [];
      for (let i = 0; i < 10; i++) seen.push((yield* inbox.next()).value);
      expect(seen).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
      expect(socket.raw.isPaused).toBe(false);
    });
  });

  it("halts a session whose reader was halted while waiting, when the peer leaves", function* () {
    yield* withoutLeaks(function* () {
      const abandoned = withResolvers<void>();
      const ended = withResolvers<void>();
      const router = createRouter().get(
        "/idle",
        webSocket(function* (socket) {
          const first = withResolvers<void>();
          const reader = yield* spawn(function* () {
            const inbox = yield* socket.messages;
            yield* inbox.next();
            first.resolve();
            // Waiting for a second message when it is halted.
            yield* inbox.next();
          });
          yield* first.operation;
          yield* reader.halt();
          abandoned.resolve();
          try {
            yield* suspend();
          } finally {
            ended.resolve();
          }
        }),
      );
      const server = yield* useHttpServer({ handler: router.handle });
      const client = yield* spawn(function* () {
        const socket = yield* useWebSocket(wsUrl(server, "/idle"));
        yield* socket.send("first");
        yield* abandoned.operation;
      });
      yield* client;
      // The client has closed; nobody reads the session's messages, so it is halted.
      yield* ended.operation;
    });
  });
});

describe("the chat-room example", () => {
  it("keeps chatting with N clients while one vanishes mid-message, and tells the others it left", function* () {
    yield* withoutLeaks(function* () {
      const room = createChatRoom();
      const server = yield* useHttpServer({ handler: room.router.handle });
      const names = ["ada", "bob", "cy", "di"];
      const sockets: WebSocketConnection[] = [];
      const inboxes = [];
      for (const name of names) {
        const socket = yield* useWebSocket(wsUrl(server, `/chat/${name}`));
        sockets.push(socket);
        inboxes.push(yield* socket.messages);
      }
      // Each member hears of those who joined after it.
      for (let i = 0; i < names.length; i++) {
        for (const later of names.slice(i + 1)) {
          expect((yield* inboxes[i]!.next()).value).toBe(`${later} joined`);
        }
      }
      const mallory = yield* rawWebSocket(server, "/chat/mallory");
      for (const inbox of inboxes) expect((yield* inbox.next()).value).toBe("mallory joined");
      expect(room.members.size).toBe(5);
      // Half a masked text frame that announces 1000 bytes, then the socket is gone.
      const frame = Buffer.from([0x81, 0xfe, 0x03, 0xe8, 1, 2, 3, 4, ...Buffer.from("partial")]);
      mallory.write(frame);
      mallory.socket.destroy();
      for (const inbox of inboxes) expect((yield* inbox.next()).value).toBe("mallory left");
      expect(room.members.size).toBe(4);
      yield* sockets[0]!.send("still here?");
      for (const inbox of inboxes.slice(1)) {
        expect((yield* inbox.next()).value).toBe("ada: still here?");
      }
    });
  });
});

function* drainAndEcho(socket: WebSocketConnection) {
  const subscription = yield* socket.messages;
  for (;;) {
    const next = yield* subscription.next();
    if (next.done) return { close: next.value };
    yield* socket.send(next.value);
  }
}
