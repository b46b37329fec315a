import { Parser } from "htmlparser2";

/** One `<url>` (or `<sitemap>`) entry of a sitemap: its location and `lastmod`, if given. */
export interface SitemapEntry {
  loc: string;
  /** As written (a W3C datetime such as `2024-05-01` or `2024-05-01T10:00:00Z`). */
  lastmod?: string;
}

/**
 * What a sitemap file lists: page URLs (a `<urlset>`) or, for a sitemap index
 * (`<sitemapindex>`), other sitemaps.
 *
 * @example
 * ```ts
 * import { parseSitemap } from "@skein/scraper";
 *
 * const { urls, sitemaps }: ReturnType<typeof parseSitemap> = parseSitemap("<urlset/>");
 * ```
 */
export interface ParsedSitemap {
  urls: SitemapEntry[];
  sitemaps: SitemapEntry[];
}

/**
 * Read a sitemap (the sitemaps.org XML protocol): the `<loc>` and `<lastmod>` of each `<url>`
 * of a `<urlset>`, or of each `<sitemap>` of a `<sitemapindex>`. Namespace prefixes are
 * ignored; entries without a `<loc>` are left out. A truncated file yields its complete entries.
 *
 * @example
 * ```ts
 * import { parseSitemap } from "@skein/scraper";
 *
 * const parsed = parseSitemap(
 *   `<urlset><url><loc>https://example.com/a</loc><lastmod>2024-05-01</lastmod></url></urlset>`,
 * );
 * parsed.urls; // [{ loc: "https://example.com/a", lastmod: "2024-05-01" }]
 * ```
 *
 * @param xml - the sitemap's text (decompressed)
 * @returns its page URLs and its child sitemaps
 */
export function parseSitemap(xml: string): ParsedSitemap {
  const found: ParsedSitemap = { urls: [], sitemaps: [] };
  let entry: { kind: "url" | "sitemap"; loc: string; lastmod: string } | undefined;
  let field: "loc" | "lastmod" | undefined;
  const local = (name: string) => name.slice(name.indexOf(":") + 1).toLowerCase();
  const parser = new Parser(
    {
      onopentag(name) {
        const tag = local(name);
        if (tag === "url" || tag === "sitemap") entry = { kind: tag, loc: "", lastmod: "" };
        else if (entry !== undefined && (tag === "loc" || tag === "lastmod")) field = tag;
      },
      ontext(text) {
        if (entry !== undefined && field !== undefined) entry[field] += text;
      },
      onclosetag(name, implied) {
        const tag = local(name);
        // Closed by the end of a truncated file: the entry may be cut short.
        if (implied) {
          entry = undefined;
          return;
        }
        if (tag === "loc" || tag === "lastmod") field = undefined;
        if ((tag === "url" || tag === "sitemap") && entry !== undefined) {
          const loc = entry.loc.trim();
          const lastmod = entry.lastmod.trim();
          if (loc !== "") {
            const list = entry.kind === "url" ? found.urls : found.sitemaps;
            list.push(lastmod === "" ? { loc } : { loc, lastmod });
          }
          entry = undefined;
        }
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.end(xml);
  return found;
}
