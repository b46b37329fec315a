import { scoped, spawn, withResolvers } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { failure, useTestServer, withoutLeaks } from "../test/servers.js";
import { BodyUsedError } from "./body-errors.js";
import { useHttpClient } from "./client.js";
import { ConnectError, HttpStatusError, InvalidUrlError } from "./errors.js";

describe("useHttpClient()", () => {
  it("reads typed JSON and sends a JSON body", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer((request, response) => {
        let text = "";
        request.setEncoding("utf8");
        request.on("data", (chunk: string) => (text += chunk));
        request.on("end", () => {
          response.setHeader("content-type", "application/json");
          response.end(
            JSON.stringify({
              method: request.method,
              url: request.url,
              type: request.headers["content-type"],
              agent: request.headers["user-agent"],
              got: text ? JSON.parse(text) : null,
            }),
          );
        });
      });
      const client = yield* useHttpClient({ baseUrl: server.url, headers: { "User-Agent": "t" } });
      const echo = yield* client.json<{ method: string; url: string; got: unknown; type: string }>(
        "/items",
        { method: "POST", json: { name: "ada" }, query: { page: 2 } },
      );
      expect(echo).toEqual({
        method: "POST",
        url: "/items?page=2",
        type: "application/json",
        agent: "t",
        got: { name: "ada" },
      });
    });
  });

  it("reads text and bytes, and returns the response of get() with its headers", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer((_, response) => {
        response.setHeader("x-kind", "plain");
        response.end("héllo");
      });
      const client = yield* useHttpClient({ baseUrl: server.url });
      expect(yield* client.text("/")).toBe("héllo");
      expect(Buffer.from(yield* client.bytes("/")).toString("utf8")).toBe("héllo");
      const response = yield* client.get("/");
      expect(response.status).toBe(200);
      expect(response.ok).toBe(true);
      expect(response.headers["x-kind"]).toBe("plain");
      expect(yield* response.text()).toBe("héllo");
      const again = yield* failure(response.text());
      expect(again).toBeInstanceOf(BodyUsedError);
    });
  });

  it("throws HttpStatusError with the status, the URL and the start of the body", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer((_, response) => {
        response.statusCode = 404;
        response.end(`no such item ${"x".repeat(5000)}`);
      });
      const client = yield* useHttpClient();
      const error = (yield* failure(client.json(`${server.url}/items/9`))) as HttpStatusError;
      expect(error).toBeInstanceOf(HttpStatusError);
      expect(error.code).toBe("http-status");
      expect(error.status).toBe(404);
      expect(error.url).toBe(`${server.url}/items/9`);
      expect(error.body.startsWith("no such item x")).toBe(true);
      expect(error.body.length).toBe(1024);
      const text = yield* client.text(`${server.url}/items/9`, { throwOnStatus: false });
      expect(text.length).toBe(5013);
    });
  });

  it("streams the body chunk by chunk", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer((_, response) => {
        response.write("one,");
        setImmediate(() => response.end("two"));
      });
      const client = yield* useHttpClient();
      const response = yield* client.get(server.url);
      const subscription = yield* response.body;
      let text = "";
      for (let next = yield* subscription.next(); !next.done; next = yield* subscription.next()) {
        text += Buffer.from(next.value).toString();
      }
      expect(text).toBe("one,two");
    });
  });

  it("drains a body nobody read so the next request reuses the connection", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer((_, response) => response.end("x".repeat(10_000)));
      const client = yield* useHttpClient({ perHost: 1 });
      for (let i = 0; i < 3; i++) {
        const status = yield* scoped(function* () {
          const response = yield* client.get(server.url);
          return response.status;
        });
        expect(status).toBe(200);
      }
      expect(server.accepted).toBe(1);
    });
  });

  it("limits the requests in flight to `connections`", function* () {
    yield* withoutLeaks(function* () {
      let inFlight = 0;
      let most = 0;
      const server = yield* useTestServer((_, response) => {
        inFlight++;
        most = Math.max(most, inFlight);
        setImmediate(() => {
          inFlight--;
          response.end("ok");
        });
      });
      const client = yield* useHttpClient({ connections: 2 });
      const tasks = [];
      for (let i = 0; i < 6; i++) tasks.push(yield* spawn(() => client.text(server.url)));
      for (const task of tasks) expect(yield* task).toBe("ok");
      expect(most).toBe(2);
    });
  });

  it("throws ConnectError when nothing listens", function* () {
    yield* withoutLeaks(function* () {
      const closed = withResolvers<string>();
      yield* scoped(function* () {
        const server = yield* useTestServer((_, response) => response.end());
        closed.resolve(server.url);
      });
      const url = yield* closed.operation;
      const client = yield* useHttpClient();
      const error = yield* failure(client.text(url));
      expect(error).toBeInstanceOf(ConnectError);
      expect((error as ConnectError).code).toBe("connect");
    });
  });

  it("throws InvalidUrlError for a URL it cannot send to", function* () {
    const client = yield* useHttpClient();
    const bad = yield* failure(client.text("not a url"));
    expect(bad).toBeInstanceOf(InvalidUrlError);
    expect((bad as InvalidUrlError).url).toBe("not a url");
    const ftp = yield* failure(client.text("ftp://127.0.0.1/x"));
    expect(ftp).toBeInstanceOf(InvalidUrlError);
  });
});
