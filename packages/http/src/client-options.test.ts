import { sleep } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { failure, useTestServer, withoutLeaks } from "../test/servers.js";
import { type RequestOptions, useHttpClient } from "./client.js";
import { InvalidRequestError } from "./errors.js";
import type { HttpRequestInfo } from "./hooks.js";

describe("request shortcuts and default headers", () => {
  it("sends PUT, PATCH, DELETE and HEAD from their shortcuts", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer((request, response) => {
        response.setHeader("x-method", request.method ?? "");
        response.end(request.method);
      });
      const client = yield* useHttpClient({ baseUrl: server.url });
      for (const method of ["put", "patch", "delete"] as const) {
        const response = yield* client[method]("/");
        expect(yield* response.text()).toBe(method.toUpperCase());
      }
      const head = yield* client.head("/");
      expect(head.headers["x-method"]).toBe("HEAD");
      expect(yield* head.text()).toBe("");
    });
  });

  it("sends a user-agent naming the package and accept-encoding, merged under the client's and the request's headers", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer((request, response) => {
        response.end(JSON.stringify(request.headers));
      });
      const plain = yield* useHttpClient({ baseUrl: server.url });
      const sent = yield* plain.json<Record<string, string>>("/");
      expect(sent["user-agent"]).toMatch(/^skein-http\/\d+\.\d+\.\d+$/);
      expect(sent["accept-encoding"]).toBe("gzip, deflate, br");
      const client = yield* useHttpClient({
        baseUrl: server.url,
        headers: { "X-Team": "core", "User-Agent": "crawler/2" },
      });
      const merged = yield* client.json<Record<string, string>>("/", {
        headers: { "x-request": "7", "X-Team": "http" },
        decompress: false,
      });
      expect(merged["user-agent"]).toBe("crawler/2");
      expect(merged["x-team"]).toBe("http");
      expect(merged["x-request"]).toBe("7");
      expect(merged["accept-encoding"]).toBeUndefined();
    });
  });
});

describe("bad input", () => {
  it("rejects a header or a method HTTP does not allow with InvalidRequestError, sending nothing", function* () {
    yield* withoutLeaks(function* () {
      let requests = 0;
      const server = yield* useTestServer((_, response) => {
        requests++;
        response.end();
      });
      const client = yield* useHttpClient({ baseUrl: server.url });
      const asked: RequestOptions[] = [
        { headers: { "x-a": "line\nbreak" } },
        { headers: { "bad name": "x" } },
        { headers: { "x-nul": "\u0000" } },
        { method: "GE T" },
        { method: "" },
      ];
      for (const options of asked) {
        const error = yield* failure(client.text("/", options));
        expect(error, JSON.stringify(options)).toBeInstanceOf(InvalidRequestError);
        expect((error as InvalidRequestError).code).toBe("invalid-request");
      }
      expect(requests).toBe(0);
    });
  });
});

describe("cookies", () => {
  it("rejects a client option out of range with InvalidRequestError carrying the value", function* () {
    const refused: [string, Parameters<typeof useHttpClient>[0], unknown][] = [
      ["timeouts.total", { timeouts: { total: -1 } }, -1],
      ["timeouts.connect", { timeouts: { connect: Number.NaN } }, Number.NaN],
      ["connections", { connections: 0 }, 0],
      ["perHost", { perHost: 1.5 }, 1.5],
      ["retry.attempts", { retry: { attempts: 0 } }, 0],
    ];
    for (const [name, options, value] of refused) {
      const error = yield* failure(useHttpClient(options));
      expect({
        name,
        type: (error as Error).name,
        code: (error as InvalidRequestError).code,
      }).toEqual({
        name,
        type: "InvalidRequestError",
        code: "invalid-request",
      });
      expect((error as InvalidRequestError).value).toEqual(value);
    }
  });

  it("keeps no cookies unless asked to", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer((request, response) => {
        response.setHeader("set-cookie", "session=abc; Path=/");
        response.end(request.headers.cookie ?? "none");
      });
      const client = yield* useHttpClient({ baseUrl: server.url });
      yield* client.text("/");
      expect(yield* client.text("/")).toBe("none");
    });
  });

  it("sends cookies back to the host and path that set them, until they expire, one jar per client", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer((request, response) => {
        if (request.url === "/login") {
          response.setHeader("set-cookie", [
            "session=abc; Path=/; HttpOnly",
            "scoped=1; Path=/admin",
            "secure=1; Secure",
            "gone=1; Max-Age=0",
            "other=1; Domain=example.com",
          ]);
        }
        if (request.url === "/logout") response.setHeader("set-cookie", "session=; Max-Age=0");
        response.end(request.headers.cookie ?? "none");
      });
      const client = yield* useHttpClient({ baseUrl: server.url, cookies: true });
      expect(yield* client.text("/login")).toBe("none");
      expect(yield* client.text("/page")).toBe("session=abc");
      expect(yield* client.text("/admin/users")).toBe("scoped=1; session=abc");
      expect(yield* client.text("/administrator")).toBe("session=abc");
      expect(yield* client.text("/page", { headers: { cookie: "mine=1" } })).toBe("mine=1");
      const other = yield* useHttpClient({ baseUrl: server.url, cookies: true });
      expect(yield* other.text("/page")).toBe("none");
      yield* client.text("/logout");
      expect(yield* client.text("/page")).toBe("none");
    });
  });
});

describe("hooks", () => {
  it("calls onRequest before each request on the wire and onResponse after its headers", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer((request, response) => {
        if (request.url === "/old") {
          response.writeHead(301, { location: "/new" });
          response.end();
        } else {
          response.end(request.headers.authorization ?? "anonymous");
        }
      });
      const log: string[] = [];
      const client = yield* useHttpClient({
        baseUrl: server.url,
        hooks: {
          *onRequest(request: HttpRequestInfo) {
            yield* sleep(1);
            request.headers.authorization = "Bearer fresh";
            log.push(`-> ${request.method} ${request.url.pathname}`);
          },
          onResponse(response, request) {
            log.push(`<- ${response.status} ${request.url.pathname}`);
          },
        },
      });
      expect(yield* client.text("/old")).toBe("Bearer fresh");
      expect(log).toEqual(["-> GET /old", "<- 301 /old", "-> GET /new", "<- 200 /new"]);
    });
  });

  it("fails the request with the error a hook throws, before anything is sent", function* () {
    yield* withoutLeaks(function* () {
      let requests = 0;
      const server = yield* useTestServer((_, response) => {
        requests++;
        response.end();
      });
      const client = yield* useHttpClient({
        hooks: {
          onRequest() {
            throw new Error("no token");
          },
        },
      });
      const error = yield* failure(client.text(server.url));
      expect(error.message).toBe("no token");
      expect(requests).toBe(0);
    });
  });
});
