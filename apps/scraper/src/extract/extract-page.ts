import { scanHtml } from "./scan-html.js";

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
  return scanHtml(html, (start, end) => html.slice(start, end), pageUrl);
}
