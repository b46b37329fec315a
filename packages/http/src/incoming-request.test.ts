import { request as httpRequest } from "node:http";
import { inspect } from "node:util";
import { action, type Operation } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { withoutLeaks } from "../test/servers.js";
import { useHttpClient } from "./client.js";
import { isPlainTarget } from "./incoming-request.js";
import { readText } from "./read-body.js";
import { createRouter } from "./router.js";
import { type HttpServer, useHttpServer } from "./server.js";

/** GET `target` exactly as written (no URL normalizing on the way); resolves with the body. */
function rawGet(server: HttpServer, target: string): Operation<string> {
  return action<string>((resolve, reject) => {
    const request = httpRequest(
      { host: "127.0.0.1", port: server.port, path: target, method: "GET" },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => resolve(text));
      },
    );
    request.on("error", reject);
    request.end();
    return () => request.destroy();
  });
}

describe("the Request a handler receives", () => {
  it("is a Request with the method, URL and headers of the request", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useHttpServer({
        *handler(request) {
          const headers = request.headers;
          return Response.json({
            isRequest: request instanceof Request,
            tag: Object.prototype.toString.call(request),
            constructor: request.constructor === Request,
            method: request.method,
            url: request.url,
            agent: request.headers.get("x-agent"),
            both: request.headers.get("x-twice"),
            same: headers === request.headers,
            bodyUsed: request.bodyUsed,
            body: request.body,
            signal: request.signal instanceof AbortSignal,
            inspected: inspect(request).startsWith("Request {"),
            // On Node 20 (undici 6) the handler gets the lazy stand-in, built on first use.
            lazy: Object.getPrototypeOf(request) !== Request.prototype,
          });
        },
      });
      const client = yield* useHttpClient();
      const seen = yield* client.json(`${server.url}/a/b?c=d&e`, {
        headers: { "x-agent": "test", "x-twice": "1" },
      });
      expect(seen).toEqual({
        isRequest: true,
        tag: "[object Request]",
        constructor: true,
        method: "GET",
        url: `${server.url}/a/b?c=d&e`,
        agent: "test",
        both: "1",
        same: true,
        bodyUsed: false,
        body: null,
        signal: true,
        inspected: true,
        // Node 20 and 22 (undici 6) keep a Request's state where the stand-in can forward it.
        lazy: process.versions.undici?.startsWith("6.") ? true : (seen as { lazy: boolean }).lazy,
      });
    });
  });

  it("has the URL `new URL()` makes of the request target, however it is written", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useHttpServer({
        *handler(request) {
          return new Response(request.url);
        },
      });
      const targets = [
        "/",
        "/plain/path.json?x=1&y=%20",
        "/a/./b/../c",
        "/a/%2e%2E/b",
        "/q?quote='1'",
        "/p|q^r`s{t}",
        "/x?a=<b>",
        "/%7euser/~x",
        "//double//slash",
        "/a?b=c/../d",
      ];
      for (const target of targets) {
        const url = yield* rawGet(server, target);
        expect(url, target).toBe(new URL(`${server.url}${target}`).href);
      }
    });
  });

  it("reads the body, clones, and copies into a new Request with its latest headers", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useHttpServer({
        *handler(request) {
          request.headers.set("x-added", "yes");
          const copy = new Request(request.clone());
          const text = yield* readText(request);
          request.headers.set("x-later", "too");
          return Response.json({
            text,
            used: request.bodyUsed,
            copied: yield* readText(copy),
            copyAdded: copy.headers.get("x-added"),
            method: copy.method,
            afterUse: new Request(request, { body: "replaced" }).headers.get("x-later"),
          });
        },
      });
      const client = yield* useHttpClient();
      const seen = yield* client.json(server.url, { method: "PUT", body: "some text" });
      expect(seen).toEqual({
        text: "some text",
        used: true,
        copied: "some text",
        copyAdded: "yes",
        method: "PUT",
        afterUse: "too",
      });
    });
  });

  it("routes on the path of the URL", function* () {
    yield* withoutLeaks(function* () {
      const router = createRouter().get("/items/:id", function* (_request, params) {
        return new Response(params.id);
      });
      const server = yield* useHttpServer({ handler: router.handle });
      expect(yield* rawGet(server, "/items/a%20b?x=1")).toBe("a b");
      expect(yield* rawGet(server, "/other/../items/7")).toBe("7");
    });
  });
});

describe("isPlainTarget()", () => {
  it("only passes targets the URL parser would leave as they are", function* () {
    const origin = "http://127.0.0.1:8080";
    const alphabet = "abcXYZ019-._~!$&'()*+,;=:@/%?#[]{}|\\^`\"<> \t2eE";
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    let plain = 0;
    for (let n = 0; n < 20_000; n++) {
      let target = "/";
      const length = random() % 12;
      for (let i = 0; i < length; i++) target += alphabet[random() % alphabet.length];
      if (!isPlainTarget(target)) continue;
      plain++;
      expect(origin + target, target).toBe(new URL(origin + target).href);
    }
    expect(plain).toBeGreaterThan(1000);
  });
});
