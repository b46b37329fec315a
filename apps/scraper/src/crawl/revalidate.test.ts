import { gzipSync } from "node:zlib";
import { it } from "@skein/core/test";
import { expect } from "vitest";
import type { PageContext } from "../crawler/page-context.js";
import { describeDatabases, useTestStore } from "../testing/test-databases.js";
import { html, useFixtureSite } from "../testing/use-fixture-site.js";
import { crawl } from "./crawl.js";

const SLOW = 60_000;
const LAST_MODIFIED = "Wed, 01 May 2024 10:00:00 GMT";

describeDatabases("crawl({ revalidate }) after store.recrawl()", (database) => {
  it(
    "asks with the kept ETag and Last-Modified, follows a 304 by its kept links without parsing it, and sends the saved headers and cookies",
    function* () {
      // Each path's version: its ETag. /b has a Last-Modified instead.
      const versions = new Map([
        ["/", "v1"],
        ["/a", "v1"],
        ["/c", "v1"],
      ]);
      const links: Record<string, string[]> = {
        "/": ["/a", "/b"],
        "/a": ["/c"],
        "/b": [],
        "/c": [],
      };
      const page = (path: string) => (request: Request) => {
        // Without the crawl's header and cookie, the site refuses.
        const authorized =
          request.headers.get("x-crawl-token") === "s3cret" &&
          request.headers.get("cookie")?.split("; ").sort().join("; ") === "lang=en; session=abc";
        if (!authorized) return new Response("forbidden", { status: 403 });
        const etag = versions.has(path) ? `"${path}-${versions.get(path)}"` : undefined;
        if (etag !== undefined && request.headers.get("if-none-match") === etag) {
          return new Response(null, { status: 304, headers: { etag } });
        }
        if (etag === undefined && request.headers.get("if-modified-since") === LAST_MODIFIED) {
          return new Response(null, { status: 304 });
        }
        const title = `${path} ${versions.get(path) ?? "b"}`;
        const validator: Record<string, string> =
          etag === undefined ? { "last-modified": LAST_MODIFIED } : { etag };
        return html(links[path]!, title, validator);
      };
      const site = yield* useFixtureSite({
        // The seed comes gzip-compressed, as the crawler says it can read it.
        "/": (request) => {
          const answer = page("/")(request);
          if (answer.status !== 200) return answer;
          const body = `<html><head><title>/ ${versions.get("/")}</title></head><body><a href="/a">a</a><a href="/b">b</a></body></html>`;
          return new Response(gzipSync(body), {
            headers: {
              "content-type": "text/html",
              "content-encoding": "gzip",
              etag: answer.headers.get("etag")!,
            },
          });
        },
        "/a": page("/a"),
        "/b": page("/b"),
        "/c": page("/c"),
      });
      const { store, name } = yield* useTestStore(database);
      const handled: string[] = [];
      const handler = (context: PageContext) => {
        handled.push(new URL(context.url).pathname);
        context.push({ path: new URL(context.url).pathname, title: context.facts.title });
      };
      yield* crawl({
        store,
        name: name("revisit"),
        seeds: [`${site.origin}/`],
        handler,
        revalidate: true,
        headers: { "X-Crawl-Token": "s3cret" },
        cookies: { session: "abc", lang: "en" },
      });
      const { id } = yield* store.find(name("revisit"));
      const first = new Map((yield* store.pages(id)).map((p) => [new URL(p.url).pathname, p]));
      expect(first.get("/")).toMatchObject({ status: 200, title: "/ v1" });
      expect([...first.values()].map((p) => p.status)).toEqual([200, 200, 200, 200]);
      expect(handled.sort()).toEqual(["/", "/a", "/b", "/c"]);
      expect(site.requests.find((r) => r.path === "/")?.headers.get("accept-encoding")).toMatch(
        /gzip/,
      );

      // /a changes; the rest does not.
      versions.set("/a", "v2");
      handled.length = 0;
      const before = site.requests.length;
      yield* store.recrawl(name("revisit"));
      // Resumed by name: the headers, cookies and revalidate come from the saved config.
      yield* crawl({ store, name: name("revisit"), seeds: [], handler });
      const again = new Map((yield* store.pages(id)).map((p) => [new URL(p.url).pathname, p]));
      expect(Object.fromEntries([...again].map(([path, p]) => [path, p.status]))).toEqual({
        "/": 304,
        "/a": 200,
        "/b": 304,
        "/c": 304,
      });
      // Only the changed page was parsed and handled; /c was reached by /a's new links, /a and
      // /b by the kept links of the 304 seed.
      expect(handled).toEqual(["/a"]);
      expect(again.get("/a")).toMatchObject({ title: "/a v2" });
      const asked = site.requests.slice(before).filter((r) => r.path !== "/robots.txt");
      expect(asked.map((r) => r.path).sort()).toEqual(["/", "/a", "/b", "/c"]);
      const header = (path: string, name: string) =>
        asked.find((r) => r.path === path)?.headers.get(name);
      expect(header("/", "if-none-match")).toBe('"/-v1"');
      expect(header("/a", "if-none-match")).toBe('"/a-v1"');
      expect(header("/b", "if-modified-since")).toBe(LAST_MODIFIED);
      expect(header("/b", "if-none-match")).toBeNull();
    },
    SLOW,
  );
});
