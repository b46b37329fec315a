import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { failure, useTestServer, withoutLeaks } from "../test/servers.js";
import { useHttpClient } from "./client.js";
import { HttpStatusError, TooManyRedirectsError } from "./errors.js";
import { parseRetryAfter } from "./retry-policy.js";

describe("retries", () => {
  it("retries a 503 after the delay its Retry-After asks for, in seconds", function* () {
    yield* withoutLeaks(function* () {
      const seen: number[] = [];
      const server = yield* useTestServer((_, response) => {
        seen.push(Date.now());
        if (seen.length === 1) {
          response.writeHead(503, { "retry-after": "1" });
          response.end("busy");
        } else {
          response.end("ready");
        }
      });
      const client = yield* useHttpClient({ retry: { baseDelayMs: 1 } });
      expect(yield* client.text(server.url)).toBe("ready");
      expect(seen.length).toBe(2);
      expect(seen[1]! - seen[0]!).toBeGreaterThanOrEqual(990);
    });
  }, 5000);

  it("gives up when Retry-After asks for more than the cap", function* () {
    yield* withoutLeaks(function* () {
      let requests = 0;
      const server = yield* useTestServer((_, response) => {
        requests++;
        response.writeHead(503, { "retry-after": new Date(Date.now() + 60_000).toUTCString() });
        response.end("down for maintenance");
      });
      const client = yield* useHttpClient({ retry: { maxRetryAfterMs: 5000 } });
      const error = (yield* failure(client.text(server.url))) as HttpStatusError;
      expect(error).toBeInstanceOf(HttpStatusError);
      expect(error.status).toBe(503);
      expect(error.body).toBe("down for maintenance");
      expect(requests).toBe(1);
    });
  });

  it("stops after the configured number of attempts", function* () {
    yield* withoutLeaks(function* () {
      let requests = 0;
      const server = yield* useTestServer((_, response) => {
        requests++;
        response.writeHead(502);
        response.end();
      });
      const client = yield* useHttpClient({ retry: { attempts: 3, baseDelayMs: 1 } });
      const error = (yield* failure(client.text(server.url))) as HttpStatusError;
      expect(error.status).toBe(502);
      expect(requests).toBe(3);
    });
  });

  it("retries a request whose connection was reset before the response", function* () {
    yield* withoutLeaks(function* () {
      let requests = 0;
      const server = yield* useTestServer((request, response) => {
        if (++requests === 1) request.socket.resetAndDestroy();
        else response.end("second time lucky");
      });
      const client = yield* useHttpClient({ retry: { baseDelayMs: 1 } });
      expect(yield* client.text(server.url)).toBe("second time lucky");
      expect(requests).toBe(2);
    });
  });

  it("does not retry a POST unless told to", function* () {
    yield* withoutLeaks(function* () {
      let requests = 0;
      const server = yield* useTestServer((_, response) => {
        requests++;
        response.writeHead(503, { "retry-after": "0" });
        response.end();
      });
      const client = yield* useHttpClient({ retry: true });
      const error = (yield* failure(
        client.text(server.url, { method: "POST", body: "x" }),
      )) as HttpStatusError;
      expect(error.status).toBe(503);
      expect(requests).toBe(1);
    });
  });

  it("reads Retry-After as seconds or as an HTTP date", function* () {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("7", now)).toBe(7000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:03 GMT", now)).toBe(3000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("Thursday, 01-Jan-26 00:00:03 GMT", now)).toBe(3000);
    expect(parseRetryAfter("Thu Jan  1 00:00:03 2026", now)).toBe(3000);
    expect(parseRetryAfter(" 7 ", now)).toBe(7000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it("ignores Retry-After values that are neither delay-seconds nor an HTTP-date, instead of reading 1.5 and -5 as dates in 2001", function* () {
    const now = Date.parse("2026-01-01T00:00:00Z");
    for (const value of ["1.5", "-5", "1e3", "0x10", "2026-01-01T00:00:03Z", "3 seconds", ""]) {
      expect(parseRetryAfter(value, now), value).toBeUndefined();
    }
  });

  it("backs off instead of retrying at once when Retry-After is 1.5", function* () {
    yield* withoutLeaks(function* () {
      const seen: number[] = [];
      const server = yield* useTestServer((_, response) => {
        seen.push(Date.now());
        response.writeHead(seen.length === 1 ? 503 : 200, { "retry-after": "1.5" });
        response.end(seen.length === 1 ? "busy" : "ready");
      });
      const client = yield* useHttpClient({ retry: { baseDelayMs: 300, maxDelayMs: 300 } });
      expect(yield* client.text(server.url)).toBe("ready");
      // The backoff of 300 ms has half its step fixed: at least 150 ms between the two.
      expect(seen[1]! - seen[0]!).toBeGreaterThanOrEqual(145);
    });
  });
});

describe("redirects", () => {
  it("returns a redirect as the response with redirect: manual, where maxRedirects: 0 throws", function* () {
    yield* withoutLeaks(function* () {
      let requests = 0;
      const server = yield* useTestServer((_, response) => {
        requests++;
        response.writeHead(302, { location: "/elsewhere" });
        response.end("moved");
      });
      const client = yield* useHttpClient({ baseUrl: server.url });
      const response = yield* client.get("/", { redirect: "manual" });
      expect(response.status).toBe(302);
      expect(response.headers.location).toBe("/elsewhere");
      expect(yield* response.text()).toBe("moved");
      expect(requests).toBe(1);
      const manual = yield* useHttpClient({ baseUrl: server.url, redirect: "manual" });
      expect(yield* manual.text("/", { throwOnStatus: false })).toBe("moved");
      const error = yield* failure(client.get("/", { maxRedirects: 0 }));
      expect(error).toBeInstanceOf(TooManyRedirectsError);
    });
  });

  it("throws TooManyRedirectsError on an endless chain of redirects", function* () {
    yield* withoutLeaks(function* () {
      let requests = 0;
      const server = yield* useTestServer((request, response) => {
        requests++;
        response.writeHead(302, { location: `/hop${Number(request.url!.slice(4) || 0) + 1}` });
        response.end("moved");
      });
      const client = yield* useHttpClient({ maxRedirects: 3 });
      const error = (yield* failure(client.text(`${server.url}/hop0`))) as TooManyRedirectsError;
      expect(error).toBeInstanceOf(TooManyRedirectsError);
      expect(error.code).toBe("too-many-redirects");
      expect(error.chain).toEqual([0, 1, 2, 3].map((n) => `${server.url}/hop${n}`));
      expect(requests).toBe(4);
    });
  });

  it("follows a 303 after a POST with a GET", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer((request, response) => {
        if (request.url === "/form") {
          response.writeHead(303, { location: "/done" });
          response.end();
        } else {
          response.end(`${request.method} ${request.url}`);
        }
      });
      const client = yield* useHttpClient({ baseUrl: server.url });
      expect(yield* client.text("/form", { method: "POST", body: "a=1" })).toBe("GET /done");
    });
  });

  it("does not follow a 307 after a POST", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer((_, response) => {
        response.writeHead(307, { location: "/elsewhere" });
        response.end();
      });
      const client = yield* useHttpClient({ baseUrl: server.url });
      const response = yield* client.post("/", { body: "x" });
      expect(response.status).toBe(307);
    });
  });
});
