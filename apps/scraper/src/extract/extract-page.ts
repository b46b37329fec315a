import { Parser } from "htmlparser2";
import { tryNormalizeUrl } from "../url/normalize-url.js";

/**
 * What the crawler keeps of an HTML page.
 *
 * @example
 * ```ts
 * import { extractPage, type PageFacts } from "@skein/scraper";
 *
 * const facts: PageFacts = extractPage("<title>Hi</title>", "http://example.com/");
 * ```
 */
export interface PageFacts {
  title: string | undefined;
  description: string | undefined;
  canonical: string | undefined;
  /** Absolute, normalized, de-duplicated http(s) links, in document order. */
  links: string[];
  /** `<meta name="robots" content="nofollow">`: its links must not be followed. */
  nofollow: boolean;
  /** `<meta name="robots" content="noindex">`. */
  noindex: boolean;
}

const MAX_TEXT = 1000;

/**
 * Parse an HTML document with a real (forgiving, streaming) HTML parser and pull out its title,
 * meta description, canonical URL, robots directives and links (resolved against `<base href>`
 * or the page URL; `rel="nofollow"` links skipped). Malformed HTML never throws.
 *
 * @example
 * ```ts
 * import { extractPage } from "@skein/scraper";
 *
 * const facts = extractPage('<a href="/b#x">b</a>', "http://example.com/a");
 * facts.links; // ["http://example.com/b"]
 * ```
 *
 * @param html - the document
 * @param pageUrl - the URL it was fetched from
 * @returns the page's facts
 */
export function extractPage(html: string, pageUrl: string): PageFacts {
  let base = pageUrl;
  let title: string | undefined;
  let inTitle = false;
  let titleText = "";
  let description: string | undefined;
  let canonical: string | undefined;
  let nofollow = false;
  let noindex = false;
  const hrefs: string[] = [];

  const parser = new Parser(
    {
      onopentag(name, attributes) {
        switch (name) {
          case "title":
            if (title === undefined) inTitle = true;
            break;
          case "base":
            if (attributes.href !== undefined)
              base = tryNormalizeUrl(attributes.href, pageUrl) ?? base;
            break;
          case "a":
          case "area":
            if (attributes.href !== undefined && !/\bnofollow\b/i.test(attributes.rel ?? "")) {
              hrefs.push(attributes.href);
            }
            break;
          case "link":
            if (/\bcanonical\b/i.test(attributes.rel ?? "") && attributes.href !== undefined) {
              canonical ??= tryNormalizeUrl(attributes.href, base);
            }
            break;
          case "meta": {
            const key = (attributes.name ?? "").toLowerCase();
            const content = attributes.content ?? "";
            if (key === "description") description ??= content.trim().slice(0, MAX_TEXT);
            if (key === "robots") {
              nofollow ||= /\bnofollow\b/i.test(content) || /\bnone\b/i.test(content);
              noindex ||= /\bnoindex\b/i.test(content) || /\bnone\b/i.test(content);
            }
            break;
          }
        }
      },
      ontext(text) {
        if (inTitle && titleText.length < MAX_TEXT) titleText += text;
      },
      onclosetag(name) {
        if (name === "title" && inTitle) {
          inTitle = false;
          title = titleText.replace(/\s+/g, " ").trim().slice(0, MAX_TEXT);
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  if (inTitle) title = titleText.replace(/\s+/g, " ").trim().slice(0, MAX_TEXT);

  const seen = new Set<string>();
  const links: string[] = [];
  for (const href of hrefs) {
    const url = tryNormalizeUrl(href, base);
    if (url !== undefined && !seen.has(url)) {
      seen.add(url);
      links.push(url);
    }
  }
  return { title, description, canonical, links, nofollow, noindex };
}
