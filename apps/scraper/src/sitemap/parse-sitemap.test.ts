import { describe, expect, it } from "vitest";
import { parseSitemap } from "./parse-sitemap.js";

describe("parseSitemap()", () => {
  it("reads each url's loc and lastmod, trimmed, entities decoded", () => {
    const parsed = parseSitemap(`<?xml version="1.0" encoding="UTF-8"?>
      <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc> https://example.com/a?x=1&amp;y=2 </loc><lastmod>2024-05-01</lastmod></url>
        <url><loc>https://example.com/b</loc><changefreq>daily</changefreq></url>
        <url><lastmod>2024-01-01</lastmod></url>
      </urlset>`);
    expect(parsed).toEqual({
      urls: [
        { loc: "https://example.com/a?x=1&y=2", lastmod: "2024-05-01" },
        { loc: "https://example.com/b" },
      ],
      sitemaps: [],
    });
  });

  it("reads a sitemap index as child sitemaps, namespace prefixes ignored", () => {
    const parsed =
      parseSitemap(`<sm:sitemapindex xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">
        <sm:sitemap><sm:loc>https://example.com/s1.xml</sm:loc><sm:lastmod>2024-06-02T10:00:00Z</sm:lastmod></sm:sitemap>
        <sm:sitemap><sm:loc>https://example.com/s2.xml.gz</sm:loc></sm:sitemap>
      </sm:sitemapindex>`);
    expect(parsed).toEqual({
      urls: [],
      sitemaps: [
        { loc: "https://example.com/s1.xml", lastmod: "2024-06-02T10:00:00Z" },
        { loc: "https://example.com/s2.xml.gz" },
      ],
    });
  });

  it("keeps what it could read of a truncated file", () => {
    const parsed = parseSitemap(
      "<urlset><url><loc>https://example.com/a</loc></url><url><loc>https://exa",
    );
    expect(parsed.urls).toEqual([{ loc: "https://example.com/a" }]);
  });
});
