import { gzipSync } from "node:zlib";
import type { Operation } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { useHttpClient } from "@skein/http";
import { expect } from "vitest";
import { readSitemaps } from "../sitemap/read-sitemaps.js";
import type { StoredPage } from "../store/crawl-store.js";
import { describeDatabases, useTestStore } from "../testing/test-databases.js";
import { type FixtureSite, html, useFixtureSite } from "../testing/use-fixture-site.js";
import { crawl } from "./crawl.js";

const SLOW = 60_000;

const xml = (body: string) =>
  new Response(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`, {
    headers: { "content-type": "application/xml" },
  });
const urlset = (entries: string[]) =>
  `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${entries.join("")}</urlset>`;

/**
 * A site whose seed links only to /a. robots.txt names a sitemap index listing a plain
 * sitemap, a gzip one and a missing one; /sitemap.xml lists one more page. /b, /c and /d are
 * linked from nowhere.
 */
function useSitemapSite(): Operation<FixtureSite> {
  return useFixtureSite({
    "/robots.txt": (_, origin) =>
      new Response(`User-agent: *\nDisallow: /private\nSitemap: ${origin}/sitemaps/index.xml\n`),
    "/sitemaps/index.xml": (_, origin) =>
      xml(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <sitemap><loc>${origin}/sitemaps/pages.xml</loc></sitemap>
        <sitemap><loc>/sitemaps/more.xml.gz</loc><lastmod>2024-06-02</lastmod></sitemap>
        <sitemap><loc>${origin}/sitemaps/missing.xml</loc></sitemap>
      </sitemapindex>`),
    "/sitemaps/pages.xml": (_, origin) =>
      xml(
        urlset([
          `<url><loc>${origin}/b</loc><lastmod>2024-05-01</lastmod></url>`,
          `<url><loc>${origin}/a</loc></url>`,
        ]),
      ),
    "/sitemaps/more.xml.gz": (_, origin) =>
      new Response(
        gzipSync(
          urlset([
            `<url><loc>${origin}/c</loc><lastmod>2024-06-02T10:00:00+00:00</lastmod></url>`,
            "<url><loc>http://elsewhere.invalid/x</loc></url>",
            `<url><loc>${origin}/private/e</loc></url>`,
          ]),
        ),
        { headers: { "content-type": "application/gzip" } },
      ),
    "/sitemap.xml": (_, origin) => xml(urlset([`<url><loc>${origin}/d</loc></url>`])),
    "/": () => html(["/a"], "home"),
    "/a": () => html([], "a"),
    "/b": () => html([], "b"),
    "/c": () => html([], "c"),
    "/d": () => html([], "d"),
    "/private/e": () => html([], "e"),
  });
}

const byPath = (pages: StoredPage[]) =>
  new Map(pages.map((page) => [new URL(page.url).pathname, page]));

describeDatabases("crawl({ sitemaps })", (database) => {
  it(
    "seeds from robots.txt's sitemap index, a gzip sitemap and /sitemap.xml, keeping lastmod",
    function* () {
      const site = yield* useSitemapSite();
      const { store, name } = yield* useTestStore(database);
      const seeds = [`${site.origin}/`];
      yield* crawl({ store, name: name("with"), seeds, sitemaps: true });
      const pages = byPath(yield* store.pages((yield* store.find(name("with"))).id));
      // Out of scope (another host) and disallowed (robots.txt) URLs are listed but not fetched.
      expect([...pages.keys()].sort()).toEqual(["/", "/a", "/b", "/c", "/d"]);
      expect((yield* store.counts((yield* store.find(name("with"))).id)).skipped).toBe(1);
      expect(site.count("/private/e")).toBe(0);
      expect(pages.get("/b")).toMatchObject({
        status: 200,
        title: "b",
        lastmod: "2024-05-01",
        depth: 0,
        referrer: `${site.origin}/sitemaps/pages.xml`,
      });
      expect(pages.get("/c")).toMatchObject({
        lastmod: "2024-06-02T10:00:00+00:00",
        referrer: `${site.origin}/sitemaps/more.xml.gz`,
      });
      expect(pages.get("/d")).toMatchObject({ referrer: `${site.origin}/sitemap.xml` });
      // /a was a seed's link before (or as well as) a sitemap entry: it is fetched once.
      expect(site.count("/a")).toBe(1);

      // The same site without the switch: only what links reach.
      yield* crawl({ store, name: name("without"), seeds });
      const linked = byPath(yield* store.pages((yield* store.find(name("without"))).id));
      expect([...linked.keys()].sort()).toEqual(["/", "/a"]);
    },
    SLOW,
  );
});

describe("readSitemaps()", () => {
  it("follows an index, decompresses gzip, and lists a sitemap it cannot read as failed", function* () {
    const site = yield* useSitemapSite();
    const client = yield* useHttpClient();
    const found = yield* readSitemaps({ client, origins: [site.origin] });
    expect(found.sitemaps).toEqual([
      `${site.origin}/sitemaps/index.xml`,
      `${site.origin}/sitemap.xml`,
      `${site.origin}/sitemaps/pages.xml`,
      `${site.origin}/sitemaps/more.xml.gz`,
    ]);
    expect(found.failed).toEqual([
      { sitemap: `${site.origin}/sitemaps/missing.xml`, error: "status 404" },
    ]);
    expect(found.urls.map((entry) => entry.url)).toEqual([
      `${site.origin}/d`,
      `${site.origin}/b`,
      `${site.origin}/a`,
      `${site.origin}/c`,
      "http://elsewhere.invalid/x",
      `${site.origin}/private/e`,
    ]);
  });
});
