import { request as httpRequest } from "node:http";
import {
  action,
  createQueue,
  type Operation,
  resource,
  type Stream,
  spawn,
  suspend,
  withResolvers,
} from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { failure, withoutLeaks } from "../test/servers.js";
import { useHttpClient } from "./client.js";
import { SocketError } from "./errors.js";
import { readJson } from "./read-body.js";
import { createRouter } from "./router.js";
import { type HttpServer, useHttpServer } from "./server.js";
import type { InvalidServerOptionError } from "./server-errors.js";
import { type ServerSentEvent, sse, streamResponse } from "./stream-response.js";

interface Problem {
  error: { code: string; message: string };
}

function itemsApi() {
  const items = new Map<string, { name: string }>([["1", { name: "one" }]]);
  return createRouter()
    .get("/items/:id", function* (_request, params) {
      const item = items.get(params.id);
      return item
        ? Response.json({ id: params.id, ...item })
        : Response.json(null, { status: 404 });
    })
    .post("/items", function* (request) {
      const body = yield* readJson<{ name: string }>(request);
      const id = String(items.size + 1);
      items.set(id, body);
      return Response.json({ id, ...body }, { status: 201 });
    })
    .get("/boom", function* (): Operation<Response> {
      throw new Error("secret database password in a stack trace");
    });
}

describe("useHttpServer()", () => {
  it("serves a JSON API through the router", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useHttpServer({ handler: itemsApi().handle });
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      const client = yield* useHttpClient({ baseUrl: server.url });
      expect(yield* client.json("/items/1")).toEqual({ id: "1", name: "one" });
      const created = yield* client.post("/items", { json: { name: "two" } });
      expect(created.status).toBe(201);
      expect(yield* created.json()).toEqual({ id: "2", name: "two" });
      expect(yield* client.json("/items/2")).toEqual({ id: "2", name: "two" });
    });
  });

  it("refuses options it cannot run with before it listens, with InvalidServerOptionError naming the option", function* () {
    const handler = function* () {
      return new Response("ok");
    };
    const refused: [string, unknown][] = [
      ["handler", { port: 0 }],
      ["handler", { port: 0, handler: "index.html" }],
      ["middleware", { port: 0, handler, middleware: [undefined] }],
      ["port", { handler, port: 70_000 }],
      ["port", { handler, port: "8080" }],
      ["host", { handler, port: 0, host: "" }],
      ["shutdownGraceMs", { handler, port: 0, shutdownGraceMs: -1 }],
      ["logger", { handler, port: 0, logger: console.error }],
    ];
    yield* withoutLeaks(function* () {
      for (const [option, options] of refused) {
        const error = yield* failure(useHttpServer(options as Parameters<typeof useHttpServer>[0]));
        expect({ option, error: error.name }).toEqual({
          option,
          error: "InvalidServerOptionError",
        });
        expect((error as InvalidServerOptionError).option).toBe(option);
      }
    });
  });

  it("answers bad input with 400, 404, 405 and 413 and a JSON error", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useHttpServer({ handler: itemsApi().handle, maxBodyBytes: 1024 });
      const client = yield* useHttpClient({ baseUrl: server.url });
      const check = function* (path: string, options: object, status: number, code: string) {
        const response = yield* client.request(path, options);
        expect(response.status).toBe(status);
        expect((yield* response.json<Problem>()).error.code).toBe(code);
        return response;
      };
      yield* check("/items", { method: "POST", body: "{not json" }, 400, "invalid-json");
      yield* check("/nothing/here", {}, 404, "not-found");
      const wrong = yield* check("/items", { method: "DELETE" }, 405, "method-not-allowed");
      expect(wrong.headers.allow).toBe("POST, OPTIONS");
      const big = JSON.stringify({ name: "x".repeat(5000) });
      yield* check("/items", { method: "POST", body: big }, 413, "payload-too-large");
      const status = yield* postChunked(server, "/items", ['{"name": "', "y".repeat(2000), '"}']);
      expect(status).toBe(413);
    });
  });

  it("answers a failing handler with 500, logs the error once and leaks no detail", function* () {
    yield* withoutLeaks(function* () {
      const logged: unknown[] = [];
      const server = yield* useHttpServer({
        handler: itemsApi().handle,
        logger: { error: (_message, error) => logged.push(error) },
      });
      const client = yield* useHttpClient({ baseUrl: server.url });
      const text = yield* client.text("/boom", { throwOnStatus: false });
      expect(text).not.toContain("secret");
      expect(JSON.parse(text)).toEqual({ error: { code: "internal", message: "internal error" } });
      expect(logged.length).toBe(1);
      expect((logged[0] as Error).message).toContain("secret");
      expect(yield* client.json("/items/1")).toEqual({ id: "1", name: "one" });
    });
  });

  it("halts the handler of a client that disconnects", function* () {
    yield* withoutLeaks(function* () {
      const started = withResolvers<void>();
      const halted = withResolvers<void>();
      const server = yield* useHttpServer({
        *handler() {
          started.resolve();
          try {
            yield* suspend();
          } finally {
            halted.resolve();
          }
          return new Response("never");
        },
      });
      const client = yield* useHttpClient();
      const call = yield* spawn(() => client.text(server.url));
      yield* started.operation;
      yield* call.halt();
      yield* halted.operation;
    });
  });

  it("drains requests in flight at shutdown, then halts the ones past the grace period", function* () {
    yield* withoutLeaks(function* () {
      const gate = withResolvers<void>();
      const slowStarted = withResolvers<void>();
      const stuckStarted = withResolvers<void>();
      const stuckHalted = withResolvers<void>();
      const router = createRouter()
        .get("/slow", function* () {
          slowStarted.resolve();
          yield* gate.operation;
          return new Response("finished");
        })
        .get("/stuck", function* () {
          stuckStarted.resolve();
          try {
            yield* suspend();
          } finally {
            stuckHalted.resolve();
          }
          return new Response("never");
        });
      const ready = withResolvers<HttpServer>();
      const serving = yield* spawn(function* () {
        ready.resolve(yield* useHttpServer({ handler: router.handle, shutdownGraceMs: 100 }));
        yield* suspend();
      });
      const server = yield* ready.operation;
      const client = yield* useHttpClient({ baseUrl: server.url });
      const slow = yield* spawn(() => client.text("/slow"));
      const stuck = yield* spawn(() => failure(client.text("/stuck")));
      yield* slowStarted.operation;
      yield* stuckStarted.operation;
      const began = Date.now();
      const stopping = yield* spawn(() => serving.halt());
      gate.resolve();
      expect(yield* slow).toBe("finished");
      yield* stopping;
      expect(Date.now() - began).toBeGreaterThanOrEqual(95);
      yield* stuckHalted.operation;
      expect(yield* stuck).toBeInstanceOf(SocketError);
    });
  });

  it("streams a response from a Skein stream", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useHttpServer({
        *handler() {
          return streamResponse(streamOf(["line 0\n", "line 1\n", "line 2\n"]), {
            headers: { "content-type": "text/plain" },
          });
        },
      });
      const client = yield* useHttpClient();
      const response = yield* client.get(server.url);
      expect(response.headers["transfer-encoding"]).toBe("chunked");
      expect(yield* response.text()).toBe("line 0\nline 1\nline 2\n");
    });
  });

  it("sends Server-Sent Events and stops the producer when the client leaves", function* () {
    yield* withoutLeaks(function* () {
      const stopped = withResolvers<void>();
      const ticks: Stream<ServerSentEvent, never> = resource(function* (provide) {
        let n = 0;
        try {
          yield* provide({
            *next() {
              return { done: false, value: { event: "tick", data: { n: n++ } } };
            },
          });
        } finally {
          stopped.resolve();
        }
      });
      const server = yield* useHttpServer({
        *handler() {
          return sse(ticks);
        },
      });
      const client = yield* useHttpClient();
      const listener = yield* spawn(function* () {
        const response = yield* client.get(server.url);
        expect(response.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
        const subscription = yield* response.body;
        let text = "";
        while (!text.includes("\n\n")) {
          const next = yield* subscription.next();
          if (next.done) break;
          text += Buffer.from(next.value).toString();
        }
        return text.slice(0, text.indexOf("\n\n") + 2);
      });
      expect(yield* listener).toBe('event: tick\ndata: {"n":0}\n\n');
      yield* stopped.operation;
    });
  });
});

/** A finite stream of `items`. */
function streamOf<T>(items: T[]): Stream<T, void> {
  return {
    *[Symbol.iterator]() {
      const queue = createQueue<T, void>();
      for (const item of items) queue.add(item);
      queue.close();
      return queue;
    },
  };
}

/** POST a body in chunks with no content-length; resolves with the status. */
function postChunked(server: HttpServer, path: string, chunks: string[]): Operation<number> {
  return action<number>((resolve, reject) => {
    const request = httpRequest(`${server.url}${path}`, { method: "POST" }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
    });
    request.on("error", reject);
    for (const chunk of chunks) request.write(chunk);
    request.end();
    return () => request.destroy();
  });
}
