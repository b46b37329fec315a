import type { Operation } from "@skein/core";
import { it } from "@skein/core/test";
import { expect } from "vitest";
import type { CrawlStore, StoredPage } from "../store/crawl-store.js";
import { describeDatabases, useTestStore } from "../testing/test-databases.js";
import { html, useFixtureSite } from "../testing/use-fixture-site.js";
import { crawl } from "./crawl.js";

const SLOW = 60_000;

function* pagesOf(store: CrawlStore, name: string): Operation<Map<string, StoredPage>> {
  const { id } = yield* store.find(name);
  const pages = new Map<string, StoredPage>();
  for (let after = ""; ; ) {
    const rows = yield* store.pages(id, after);
    if (rows.length === 0) return pages;
    for (const row of rows) pages.set(new URL(row.url).pathname, row);
    after = rows[rows.length - 1]!.url;
  }
}

/** Latin-1 bytes: one byte per character. */
function latin1(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

const redirect = (to: string) => () =>
  new Response(null, { status: 301, headers: { location: to } });

describeDatabases("what a crawl records of each page", (database) => {
  it(
    "decodes a declared Latin-1 charset, keeps the URL after redirects and counts links robots.txt disallows",
    function* () {
      const site = yield* useFixtureSite({
        "/robots.txt": () => new Response("User-agent: *\nDisallow: /private\n"),
        "/": () =>
          html(
            ["/meta", "/header", "/moved", "/moved-pdf", "/moved-gone", "/private/a", "/private/b"],
            "home",
          ),
        "/meta": () =>
          new Response(
            latin1(
              '<html><head><meta charset="iso-8859-1"><title>Caf\u00e9 cr\u00e8me</title></head></html>',
            ),
            { headers: { "content-type": "text/html" } },
          ),
        "/header": () =>
          new Response(latin1("<title>Cr\u00e8me br\u00fbl\u00e9e</title>"), {
            headers: { "content-type": "text/html; charset=ISO-8859-1" },
          }),
        "/moved": redirect("/target"),
        "/target": () => html([], "target"),
        "/moved-pdf": redirect("/file.pdf"),
        "/file.pdf": () =>
          new Response("%PDF-1.4", { headers: { "content-type": "application/pdf" } }),
        "/moved-gone": redirect("/nowhere"),
      });
      const { store, name } = yield* useTestStore(database);
      yield* crawl({ store, name: name("records"), seeds: [`${site.origin}/`] });
      const pages = yield* pagesOf(store, name("records"));
      expect(pages.get("/meta")?.title).toBe("Caf\u00e9 cr\u00e8me");
      expect(pages.get("/header")?.title).toBe("Cr\u00e8me br\u00fbl\u00e9e");
      expect(pages.get("/moved")).toMatchObject({
        status: 200,
        title: "target",
        final_url: `${site.origin}/target`,
      });
      expect(pages.get("/moved-pdf")).toMatchObject({
        status: 200,
        content_type: "application/pdf",
        final_url: `${site.origin}/file.pdf`,
      });
      expect(pages.get("/moved-gone")).toMatchObject({
        status: 404,
        final_url: `${site.origin}/nowhere`,
      });
      expect(pages.get("/meta")?.final_url).toBeNull();
      // Never fetched, but recorded: the summary's "skipped (robots)" counts them.
      expect(site.requests.filter((r) => r.path.startsWith("/private"))).toEqual([]);
      const summary = yield* store.summary((yield* store.find(name("records"))).id);
      expect(summary.counts).toMatchObject({ queued: 0, leased: 0, skipped: 2 });
    },
    SLOW,
  );

  it(
    "does not count the wait for the host's slot and delay in elapsed_ms",
    function* () {
      const site = yield* useFixtureSite({
        "/robots.txt": () => new Response("User-agent: *\n"),
        "/": () => html(["/a", "/b"], "home"),
        "/a": () => html([], "a"),
        "/b": () => html([], "b"),
      });
      const { store, name } = yield* useTestStore(database);
      const started = Date.now();
      // One request at a time, 1.5 s apart: /a or /b waits that long for its turn.
      yield* crawl({
        store,
        name: name("elapsed"),
        seeds: [`${site.origin}/`],
        perHost: 1,
        delayMs: 1500,
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
      const pages = yield* pagesOf(store, name("elapsed"));
      expect([...pages.keys()].sort()).toEqual(["/", "/a", "/b"]);
      for (const page of pages.values()) expect(page.elapsed_ms).toBeLessThan(1500);
    },
    SLOW,
  );
});
