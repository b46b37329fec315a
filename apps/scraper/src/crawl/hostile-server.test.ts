import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { action, type Operation, resource } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { createCrawlStore } from "../store/crawl-store.js";
import { useDatabase } from "../store/database.js";
import { crawl } from "./crawl.js";

const LINKS = ["/reset", "/stall", "/loop/0", "/huge", "/lying-length", "/garbage", "/binary"];

/** A server that misbehaves in every way a crawler must survive. */
function useHostileServer(): Operation<string> {
  return resource<string>(function* (provide) {
    const server = createServer((req, res) => {
      const path = req.url ?? "/";
      if (path === "/") {
        res.writeHead(200, { "content-type": "text/html" });
        res.end(LINKS.map((href) => `<a href="${href}">x</a>`).join(""));
      } else if (path === "/reset") {
        req.socket.destroy();
      } else if (path === "/stall") {
        res.writeHead(200, { "content-type": "text/html" });
        res.write("<html><title>never ends");
      } else if (path.startsWith("/loop/")) {
        res.writeHead(302, { location: `/loop/${Number(path.slice(6)) + 1}` });
        res.end();
      } else if (path === "/huge") {
        res.writeHead(200, { "content-type": "text/html" });
        const chunk = Buffer.alloc(64 * 1024, "<p>");
        const pump = () => {
          while (!res.destroyed && res.write(chunk)) {}
        };
        res.on("drain", pump);
        pump();
      } else if (path === "/lying-length") {
        res.writeHead(200, { "content-type": "text/html", "content-length": "100000" });
        res.end("<a href='/short'>short</a>");
      } else if (path === "/garbage") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        res.end("<<html><a href='/p'<title>\u0000\uFFFF<a href=\"javascript:alert(1)\"></scr");
      } else {
        res.writeHead(200, { "content-type": "application/octet-stream" });
        res.end(Buffer.alloc(1000));
      }
    });
    yield* action<void>((resolve) => {
      server.listen(0, "127.0.0.1", () => resolve());
      return () => {};
    });
    try {
      yield* provide(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    } finally {
      server.closeAllConnections();
      yield* action<void>((resolve) => {
        server.close(() => resolve());
        return () => {};
      });
    }
  });
}

describe("crawl() against a hostile server", () => {
  it("records resets, stalls, redirect loops, huge and invalid bodies as page errors and finishes", function* () {
    const origin = yield* useHostileServer();
    const store = yield* createCrawlStore(yield* useDatabase());
    yield* crawl({
      store,
      name: "hostile",
      seeds: [`${origin}/`],
      timeoutMs: 500,
      retries: 1,
      maxBytes: 256 * 1024,
      maxRedirects: 3,
    });
    const { id } = yield* store.find("hostile");
    const pages = new Map((yield* store.pages(id)).map((p) => [new URL(p.url).pathname, p]));
    expect(pages.get("/reset")?.error).toBe("socket");
    expect(pages.get("/stall")?.error).toBe("timeout");
    expect(pages.get("/loop/0")?.error).toBe("too-many-redirects");
    expect(pages.get("/huge")?.error).toBe("response-too-large");
    expect(pages.get("/garbage")).toMatchObject({ status: 200, error: null });
    expect(pages.get("/binary")).toMatchObject({ status: 200, title: null, error: null });
    expect(pages.get("/lying-length")).toMatchObject({ status: null, error: "timeout" });
    expect(yield* store.counts(id)).toMatchObject({ queued: 0, leased: 0 });
  }, 60_000);
});
