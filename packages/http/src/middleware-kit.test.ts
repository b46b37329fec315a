import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { type Operation, until } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { useRawClient } from "../test/raw-client.js";
import { withoutLeaks } from "../test/servers.js";
import { type HttpClient, useHttpClient } from "./client.js";
import { compression } from "./compression.js";
import { getCookies, queryOf, setCookie } from "./cookies.js";
import { cors } from "./cors.js";
import { createRouter, type Router } from "./router.js";
import { useHttpServer } from "./server.js";
import { InvalidCookieError, InvalidServerOptionError } from "./server-errors.js";
import { serveFiles } from "./static-files.js";

function* serving(
  router: Router,
  body: (client: HttpClient, port: number) => Operation<void>,
): Operation<void> {
  yield* withoutLeaks(function* () {
    const server = yield* useHttpServer({ handler: router.handle });
    yield* body(yield* useHttpClient({ baseUrl: server.url }), server.port);
  });
}

describe("queryOf(), getCookies() and setCookie()", () => {
  it("read the query and the cookies of a request and set cookies on the response", function* () {
    const router = createRouter().get("/who", function* (request) {
      const response = Response.json({
        q: queryOf(request).getAll("q"),
        cookies: { ...getCookies(request) },
      });
      setCookie(response, "seen", "yes; really", { maxAgeSeconds: 60, secure: true });
      setCookie(response, "other", "1", { httpOnly: false, sameSite: "Strict" });
      return response;
    });
    yield* serving(router, function* (client) {
      const response = yield* client.get("/who?q=a&q=b%20c", {
        headers: { cookie: 'session=abc%3D; theme="dark"; session=second' },
      });
      expect(yield* response.json()).toEqual({
        q: ["a", "b c"],
        cookies: { session: "abc=", theme: "dark" },
      });
      expect(response.headers["set-cookie"]).toEqual([
        "seen=yes%3B%20really; Max-Age=60; Path=/; Secure; HttpOnly; SameSite=Lax",
        "other=1; Path=/; SameSite=Strict",
      ]);
    });
  });

  it("refuses a cookie name or attribute that would break the header", function* () {
    const response = new Response("x");
    expect(() => setCookie(response, "a b", "v")).toThrow(InvalidCookieError);
    const error = (() => {
      try {
        setCookie(response, "ok", "v", { path: "/; Domain=evil.example" });
      } catch (caught) {
        return caught as InvalidCookieError;
      }
    })();
    expect(error?.code).toBe("invalid-cookie");
    expect(error?.field).toBe("path");
    expect(response.headers.get("set-cookie")).toBeNull();
  });
});

describe("cors()", () => {
  const api = () =>
    createRouter()
      .use(cors({ origins: ["https://app.example"], credentials: true, exposeHeaders: ["x-id"] }))
      .get("/items", function* () {
        return Response.redirect("https://app.example/elsewhere", 302);
      })
      .post("/items", function* () {
        return Response.json({ made: true });
      });

  it("answers a preflight with 204 and the allowed methods, without running the handler", function* () {
    yield* serving(api(), function* (client) {
      const response = yield* client.request("/items", {
        method: "OPTIONS",
        headers: {
          origin: "https://app.example",
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
        },
      });
      expect(response.status).toBe(204);
      expect(response.headers["access-control-allow-origin"]).toBe("https://app.example");
      expect(response.headers["access-control-allow-methods"]).toContain("POST");
      expect(response.headers["access-control-allow-headers"]).toBe("content-type");
      expect(response.headers["access-control-allow-credentials"]).toBe("true");
    });
  });

  it("adds the CORS headers for an allowed origin, even to an immutable response, and none for others", function* () {
    yield* serving(api(), function* (client, port) {
      const raw = yield* useRawClient(port);
      raw.write(
        "GET /items HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\nConnection: close\r\n\r\n",
      );
      const allowed = (yield* raw.closed()).toLowerCase();
      expect(allowed).toMatch(/^http\/1\.1 302 /);
      expect(allowed).toContain("access-control-allow-origin: https://app.example\r\n");
      expect(allowed).toContain("access-control-expose-headers: x-id\r\n");
      expect(allowed).toContain("vary: origin\r\n");
      const other = yield* client.request("/items", {
        method: "POST",
        headers: { origin: "https://evil.example" },
      });
      expect(other.headers["access-control-allow-origin"]).toBeUndefined();
      const preflight = yield* client.request("/items", {
        method: "OPTIONS",
        headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
      });
      expect(preflight.status).toBe(403);
    });
  });

  it('refuses origins "*" with credentials', function* () {
    expect(() => cors({ origins: "*", credentials: true })).toThrow(InvalidServerOptionError);
  });
});

describe("compression()", () => {
  const text = "a fairly repetitive line of text\n".repeat(200);
  const router = () =>
    createRouter()
      .use(compression())
      .get("/text", function* () {
        return new Response(text, { headers: { etag: '"v1"' } });
      })
      .get("/small", function* () {
        return new Response("tiny");
      })
      .get("/png", function* () {
        return new Response(new Uint8Array(4096), { headers: { "content-type": "image/png" } });
      });

  it("sends gzip or brotli as Accept-Encoding prefers, and plain bytes when it names neither", function* () {
    yield* serving(router(), function* (_client, port) {
      for (const [accept, encoding, decode] of [
        ["gzip, br;q=0.5", "gzip", gunzipSync],
        ["gzip;q=0.5, br", "br", brotliDecompressSync],
      ] as const) {
        const raw = yield* useRawClient(port);
        raw.write(
          `GET /text HTTP/1.1\r\nHost: x\r\nAccept-Encoding: ${accept}\r\nConnection: close\r\n\r\n`,
        );
        yield* raw.closed();
        const received = Buffer.from(raw.received, "latin1");
        const split = received.indexOf("\r\n\r\n");
        const head = received.subarray(0, split).toString().toLowerCase();
        expect(head).toContain(`content-encoding: ${encoding}`);
        expect(head).toContain("vary: accept-encoding");
        expect(head).toContain('etag: w/"v1"');
        const body = decode(dechunk(received.subarray(split + 4), head));
        expect(body.toString()).toBe(text);
        expect(received.length).toBeLessThan(text.length / 4);
      }
    });
  });

  it("leaves small bodies, incompressible types and clients without Accept-Encoding alone", function* () {
    yield* serving(router(), function* (client) {
      const small = yield* client.get("/small", { headers: { "accept-encoding": "gzip" } });
      expect(small.headers["content-encoding"]).toBeUndefined();
      expect(yield* small.text()).toBe("tiny");
      const png = yield* client.get("/png", { headers: { "accept-encoding": "gzip" } });
      expect(png.headers["content-encoding"]).toBeUndefined();
      const plain = yield* client.get("/text", { headers: { "accept-encoding": "identity" } });
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(yield* plain.text()).toBe(text);
    });
  });
});

/** The body of a response, undoing chunked transfer encoding if the head says so. */
function dechunk(body: Buffer, head: string): Buffer {
  if (!head.includes("transfer-encoding: chunked")) return body;
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const end = body.indexOf("\r\n", at);
    const size = Number.parseInt(body.subarray(at, end).toString(), 16);
    if (size === 0) return Buffer.concat(parts);
    parts.push(body.subarray(end + 2, end + 2 + size));
    at = end + 2 + size + 2;
  }
}

describe("serveFiles()", () => {
  function* withFiles(body: (root: string, outside: string) => Operation<void>) {
    const dir = yield* until(mkdtemp(join(tmpdir(), "skein-static-")));
    try {
      const root = join(dir, "public");
      yield* until(mkdir(join(root, "docs"), { recursive: true }));
      yield* until(writeFile(join(root, "index.html"), "<h1>home</h1>"));
      yield* until(writeFile(join(root, "docs", "a.txt"), "0123456789"));
      yield* until(writeFile(join(root, ".env"), "SECRET=1"));
      yield* until(writeFile(join(dir, "secret.txt"), "outside"));
      yield* until(symlink(join(dir, "secret.txt"), join(root, "link.txt")));
      const when = new Date("2026-01-02T03:04:05Z");
      yield* until(utimes(join(root, "docs", "a.txt"), when, when));
      yield* body(root, dir);
    } finally {
      yield* until(rm(dir, { recursive: true, force: true }));
    }
  }

  it("serves files with their type, ETag and Last-Modified, and index.html for a directory", function* () {
    yield* withFiles(function* (root) {
      yield* serving(createRouter().get("/static/*", serveFiles(root)), function* (client) {
        const file = yield* client.get("/static/docs/a.txt");
        expect(file.status).toBe(200);
        expect(file.headers["content-type"]).toBe("text/plain; charset=utf-8");
        expect(file.headers["last-modified"]).toBe("Fri, 02 Jan 2026 03:04:05 GMT");
        expect(file.headers.etag).toMatch(/^"a-/);
        expect(yield* file.text()).toBe("0123456789");
        expect(yield* client.text("/static/")).toBe("<h1>home</h1>");
        const again = yield* client.get("/static/docs/a.txt", {
          headers: { "if-none-match": file.headers.etag as string },
        });
        expect(again.status).toBe(304);
        const since = yield* client.get("/static/docs/a.txt", {
          headers: { "if-modified-since": "Fri, 02 Jan 2026 03:04:05 GMT" },
        });
        expect(since.status).toBe(304);
      });
    });
  });

  it("answers ranges with 206 and an unsatisfiable one with 416", function* () {
    yield* withFiles(function* (root) {
      yield* serving(createRouter().get("/static/*", serveFiles(root)), function* (client) {
        const part = yield* client.get("/static/docs/a.txt", { headers: { range: "bytes=2-4" } });
        expect(part.status).toBe(206);
        expect(part.headers["content-range"]).toBe("bytes 2-4/10");
        expect(yield* part.text()).toBe("234");
        const tail = yield* client.get("/static/docs/a.txt", { headers: { range: "bytes=-3" } });
        expect(yield* tail.text()).toBe("789");
        const past = yield* client.get("/static/docs/a.txt", { headers: { range: "bytes=20-" } });
        expect(past.status).toBe(416);
        expect(past.headers["content-range"]).toBe("bytes */10");
      });
    });
  });

  it("never serves a file outside the root: dot segments, encoded slashes, symlinks out, dotfiles", function* () {
    yield* withFiles(function* (root) {
      yield* serving(createRouter().get("/static/*", serveFiles(root)), function* (_client, port) {
        for (const target of [
          "/static/../secret.txt",
          "/static/..%2fsecret.txt",
          "/static/%2e%2e/secret.txt",
          "/static/docs/%2e%2e%2f%2e%2e%2fsecret.txt",
          "/static/..%5csecret.txt",
          "/static/link.txt",
          "/static/.env",
          "/static/docs/a.txt%00.html",
        ]) {
          const raw = yield* useRawClient(port);
          raw.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
          const text = yield* raw.closed();
          expect(text, target).toMatch(/^HTTP\/1\.1 404 /);
          expect(text, target).not.toContain("outside");
          expect(text, target).not.toContain("SECRET");
        }
      });
    });
  });
});
