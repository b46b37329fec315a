import {
  action,
  each,
  interval,
  type Operation,
  resource,
  type Stream,
  spawn,
  suspend,
  withResolvers,
} from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { useRawClient } from "../test/raw-client.js";
import { failure, withoutLeaks } from "../test/servers.js";
import { createRouter } from "./router.js";
import { type HttpServerOptions, useHttpServer } from "./server.js";
import { HandlerResultError, InvalidServerOptionError } from "./server-errors.js";
import { streamResponse } from "./stream-response.js";

/** A server whose logger keeps what it was given, so a test can check nothing was logged. */
function* loggedServer(options: Omit<HttpServerOptions, "logger">) {
  const logged: { message: string; error: unknown }[] = [];
  const server = yield* useHttpServer({
    ...options,
    logger: { error: (message, error) => logged.push({ message, error }) },
  });
  return { server, logged };
}

const echoUrl = function* (request: Request): Operation<Response> {
  return new Response(`${request.method} ${request.url}`);
};

/** Send `head` on a fresh raw connection and return the whole first response head and body. */
function* exchange(port: number, head: string): Operation<string> {
  const client = yield* useRawClient(port);
  client.write(head);
  return yield* client.closed();
}

describe("useHttpServer() under hostile or unusual clients", () => {
  it("answers TRACE with 501 instead of a logged 500 (TRACE used to crash new Request)", function* () {
    yield* withoutLeaks(function* () {
      const { server, logged } = yield* loggedServer({ handler: echoUrl });
      const text = yield* exchange(
        server.port,
        "TRACE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      );
      expect(text).toMatch(/^HTTP\/1\.1 501 /);
      expect(text).toContain('"code":"method-not-implemented"');
      expect(logged).toEqual([]);
    });
  });

  it("answers TRACE with an Upgrade header with 501 too, instead of a logged 500", function* () {
    yield* withoutLeaks(function* () {
      const { server, logged } = yield* loggedServer({ handler: echoUrl });
      const text = yield* exchange(
        server.port,
        "TRACE / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
      );
      expect(text).toMatch(/^HTTP\/1\.1 501 /);
      expect(logged).toEqual([]);
    });
  });

  it("answers OPTIONS * with 204 and Allow instead of a logged 500", function* () {
    yield* withoutLeaks(function* () {
      const { server, logged } = yield* loggedServer({ handler: echoUrl });
      const text = yield* exchange(
        server.port,
        "OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      );
      expect(text).toMatch(/^HTTP\/1\.1 204 /);
      expect(text.toLowerCase()).toContain("allow: get, head, post, put, patch, delete, options");
      expect(logged).toEqual([]);
    });
  });

  it("takes an absolute-form target (GET http://other.example/abc) with its own host, instead of a logged 500", function* () {
    yield* withoutLeaks(function* () {
      const { server, logged } = yield* loggedServer({ handler: echoUrl });
      const text = yield* exchange(
        server.port,
        "GET http://other.example/abc?x=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      );
      expect(text).toMatch(/^HTTP\/1\.1 200 /);
      expect(text.endsWith("GET http://other.example/abc?x=1")).toBe(true);
      expect(logged).toEqual([]);
    });
  });

  it("routes an absolute-form target by its path", function* () {
    yield* withoutLeaks(function* () {
      const router = createRouter().get("/abc", echoUrl);
      const { server } = yield* loggedServer({ handler: router.handle });
      const text = yield* exchange(
        server.port,
        "GET http://other.example/abc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      );
      expect(text).toMatch(/^HTTP\/1\.1 200 /);
    });
  });

  it("answers a target that is neither a path nor an http URL with 400", function* () {
    yield* withoutLeaks(function* () {
      const { server, logged } = yield* loggedServer({ handler: echoUrl });
      const text = yield* exchange(
        server.port,
        "GET ftp://other.example/abc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      );
      expect(text).toMatch(/^HTTP\/1\.1 400 /);
      expect(text).toContain('"code":"bad-request-target"');
      expect(logged).toEqual([]);
    });
  });

  it("says what a handler returned when it is not a Response (was: Cannot read properties of undefined)", function* () {
    yield* withoutLeaks(function* () {
      const { server, logged } = yield* loggedServer({
        *handler(request) {
          return (request.url.endsWith("/nothing") ? undefined : "a body") as unknown as Response;
        },
      });
      for (const [path, shown] of [
        ["/nothing", "returned undefined"],
        ["/text", 'returned "a body"'],
      ] as const) {
        const text = yield* exchange(
          server.port,
          `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
        );
        expect(text).toMatch(/^HTTP\/1\.1 500 /);
        const error = logged.at(-1)?.error;
        expect(error).toBeInstanceOf(HandlerResultError);
        expect((error as HandlerResultError).code).toBe("handler-result");
        expect((error as Error).message).toContain(`GET ${path} ${shown}`);
        expect((error as Error).message).toContain("a handler returns a Response");
      }
      expect(logged.length).toBe(2);
    });
  });

  it("aborts request.signal when the client disconnects (it never aborted)", function* () {
    yield* withoutLeaks(function* () {
      const started = withResolvers<void>();
      const aborted = withResolvers<unknown>();
      const server = yield* useHttpServer({
        *handler(request) {
          const signal = request.signal;
          signal.addEventListener("abort", () => aborted.resolve(signal.reason));
          started.resolve();
          yield* suspend();
          return new Response("never");
        },
      });
      const client = yield* spawn(function* () {
        const raw = yield* useRawClient(server.port);
        raw.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        yield* suspend();
      });
      yield* started.operation;
      yield* client.halt();
      const reason = yield* aborted.operation;
      expect(reason).toBeInstanceOf(DOMException);
      expect((reason as DOMException).name).toBe("AbortError");
    });
  });

  it("aborts request.signal of a POST whose client disconnects while the handler waits", function* () {
    yield* withoutLeaks(function* () {
      const started = withResolvers<void>();
      const aborted = withResolvers<void>();
      const server = yield* useHttpServer({
        *handler(request) {
          request.signal.addEventListener("abort", () => aborted.resolve());
          started.resolve();
          yield* suspend();
          return new Response("never");
        },
      });
      const client = yield* spawn(function* () {
        const raw = yield* useRawClient(server.port);
        raw.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok");
        yield* suspend();
      });
      yield* started.operation;
      yield* client.halt();
      yield* aborted.operation;
    });
  });

  it("does not abort request.signal of a request that was answered", function* () {
    yield* withoutLeaks(function* () {
      const signals: AbortSignal[] = [];
      const server = yield* useHttpServer({
        *handler(request) {
          signals.push(request.signal);
          return new Response("done");
        },
      });
      const text = yield* exchange(
        server.port,
        "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      );
      expect(text).toMatch(/^HTTP\/1\.1 200 /);
      expect(signals.length).toBe(1);
      expect(signals[0]!.aborted).toBe(false);
    });
  });
});

describe("useHttpServer() limits", () => {
  it("closes a connection that sends nothing once headersTimeoutMs has passed (it stayed open)", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useHttpServer({ handler: echoUrl, headersTimeoutMs: 100 });
      const client = yield* useRawClient(server.port);
      const text = yield* client.closed();
      expect(text === "" || text.startsWith("HTTP/1.1 408 ")).toBe(true);
    });
  });

  it("cuts a slowloris client that sends its headers a byte at a time, and its handler never runs", function* () {
    yield* withoutLeaks(function* () {
      let handled = 0;
      const server = yield* useHttpServer({
        *handler() {
          handled++;
          return new Response("ok");
        },
        headersTimeoutMs: 150,
      });
      const client = yield* useRawClient(server.port);
      const head = `GET / HTTP/1.1\r\nHost: x\r\n${"X-Padding: y\r\n".repeat(1000)}\r\n`;
      const dripping = yield* spawn(function* () {
        let at = 0;
        for (const _ of yield* each(interval(5))) {
          if (client.socket.destroyed) return;
          client.write(head.slice(at, at + 1));
          at++;
          yield* each.next();
        }
      });
      const text = yield* client.closed();
      yield* dripping.halt();
      expect(text).toMatch(/^HTTP\/1\.1 408 /);
      expect(handled).toBe(0);
    });
  });

  it("cuts a request whose body does not arrive within requestTimeoutMs, halting its handler", function* () {
    yield* withoutLeaks(function* () {
      const halted = withResolvers<void>();
      const reading = withResolvers<void>();
      const server = yield* useHttpServer({
        *handler(request) {
          try {
            reading.resolve();
            yield* action<void>((resolve, reject) => {
              request.text().then(() => resolve(), reject);
              return () => {};
            });
            return new Response("read it all");
          } finally {
            halted.resolve();
          }
        },
        headersTimeoutMs: 50,
        requestTimeoutMs: 150,
      });
      const client = yield* useRawClient(server.port);
      client.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b");
      yield* reading.operation;
      const text = yield* client.closed();
      expect(text).not.toContain("read it all");
      yield* halted.operation;
    });
  });

  it("closes an idle keep-alive connection after keepAliveTimeoutMs", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useHttpServer({ handler: echoUrl, keepAliveTimeoutMs: 50 });
      const client = yield* useRawClient(server.port);
      client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      yield* client.until("GET http://");
      const text = yield* client.closed();
      expect(text.match(/HTTP\/1\.1 200 /g)?.length).toBe(1);
    });
  });

  it("destroys a connection whose client stopped reading after idleTimeoutMs and halts the handler", function* () {
    yield* withoutLeaks(function* () {
      const stopped = withResolvers<void>();
      const halted = withResolvers<void>();
      const chunk = new Uint8Array(64 * 1024);
      const endless: Stream<Uint8Array, never> = resource(function* (provide) {
        try {
          yield* provide({
            *next() {
              return { done: false, value: chunk };
            },
          });
        } finally {
          stopped.resolve();
        }
      });
      const server = yield* useHttpServer({
        *handler() {
          return streamResponse(endless);
        },
        idleTimeoutMs: 100,
      });
      // A client that never reads: the server's writes stop once the socket buffers are full,
      // and nothing moves on the connection after that.
      const client = yield* useRawClient(server.port);
      client.socket.pause();
      client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      yield* stopped.operation;
      // A handler that writes nothing for idleTimeoutMs is cut too, and halted.
      const watched = yield* useHttpServer({
        *handler() {
          try {
            yield* suspend();
          } finally {
            halted.resolve();
          }
          return new Response("never");
        },
        idleTimeoutMs: 100,
      });
      const quiet = yield* useRawClient(watched.port);
      quiet.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      yield* quiet.closed();
      yield* halted.operation;
    });
  });

  it("refuses 431 to a request head larger than maxHeaderBytes", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useHttpServer({ handler: echoUrl, maxHeaderBytes: 1024 });
      const text = yield* exchange(
        server.port,
        `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"b".repeat(2048)}\r\n\r\n`,
      );
      expect(text).toMatch(/^HTTP\/1\.1 431 /);
    });
  });

  it("bounds a connection flood by maxConnections: the rest are closed at once, the kept ones served", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useHttpServer({ handler: echoUrl, maxConnections: 10 });
      const clients = [];
      for (let i = 0; i < 200; i++) clients.push(yield* useRawClient(server.port));
      // The ones over the limit are closed by the server without a byte.
      const refused = withResolvers<void>();
      let closed = 0;
      for (const client of clients) {
        yield* spawn(function* () {
          yield* client.closed();
          if (++closed === 190) refused.resolve();
        });
      }
      yield* refused.operation;
      const open = clients.filter((client) => !client.socket.destroyed);
      expect(open.length).toBe(10);
      const count = yield* action<number>((resolve, reject) => {
        server.nodeServer.getConnections((error, n) => (error ? reject(error) : resolve(n)));
        return () => {};
      });
      expect(count).toBe(10);
      for (const client of open) client.write("GET /kept HTTP/1.1\r\nHost: x\r\n\r\n");
      for (const client of open) expect(yield* client.until("/kept")).toMatch(/^HTTP\/1\.1 200 /);
    });
  });

  it("refuses bad limits with InvalidServerOptionError naming the option and value", function* () {
    for (const [options, option] of [
      [{ maxConnections: -1 }, "maxConnections"],
      [{ headersTimeoutMs: 1.5 }, "headersTimeoutMs"],
      [{ headersTimeoutMs: 5000, requestTimeoutMs: 1000 }, "requestTimeoutMs"],
    ] as const) {
      const error = yield* failure(useHttpServer({ handler: echoUrl, ...options }));
      expect(error).toBeInstanceOf(InvalidServerOptionError);
      expect((error as InvalidServerOptionError).option).toBe(option);
      expect((error as InvalidServerOptionError).code).toBe("invalid-server-option");
    }
  });
});
