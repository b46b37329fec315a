import type { IncomingHttpHeaders } from "node:http";
import type { PageFacts } from "../extract/extract-page.js";

/**
 * How a handler enqueues URLs: the route that will handle them and what it gets.
 *
 * @example
 * ```ts
 * import type { EnqueueOptions } from "@skein/scraper";
 *
 * const options: EnqueueOptions<{ category: string }> = {
 *   label: "product",
 *   userData: { category: "shoes" },
 * };
 * ```
 */
export interface EnqueueOptions<U = unknown> {
  /** The route (see {@link createRouter}) that handles these URLs; none means the default. */
  label?: string;
  /** Anything JSON-serializable, handed back as `page.userData`. */
  userData?: U;
}

/**
 * What a handler gets for each HTML page fetched with a 2xx status. Everything it adds (URLs,
 * items) is written together with the page, in one statement, once the handler returns: a page
 * whose handler fails, times out or is halted adds nothing, and a crawl resumed after an
 * interruption neither loses nor repeats an item.
 *
 * @example
 * ```ts
 * import type { PageContext } from "@skein/scraper";
 *
 * function* handler(page: PageContext) {
 *   page.push({ url: page.url, title: page.facts.title });
 *   page.enqueue(page.select("a.next").map((a) => a.attribs.href ?? ""), { label: "list" });
 * }
 * ```
 */
export interface PageContext<U = unknown> {
  /** The URL as claimed from the frontier (normalized). */
  readonly url: string;
  /** The URL that answered, after redirects. */
  readonly finalUrl: string;
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Links from the root, 0 for a seed. */
  readonly depth: number;
  /** The label the URL was enqueued with, if any. */
  readonly label: string | undefined;
  /** What the URL was enqueued with; `undefined` for seeds and followed links. */
  readonly userData: U;
  /** Title, description, canonical URL, robots directives and links, already extracted. */
  readonly facts: PageFacts;
  /** The body decoded in the charset the response names (decoded on first use). */
  readonly html: string;
  /** The elements matching a CSS selector (css-select over htmlparser2's DOM, parsed on first use). */
  select(selector: string): Element[];
  /** The first element matching `selector`, if any. */
  selectOne(selector: string): Element | undefined;
  /** The text content of `selector`'s first match, whitespace collapsed; `undefined` without one. */
  text(selector: string): string | undefined;
  /**
   * Add URLs (relative ones resolve against `finalUrl`) to the frontier, one level deeper. They
   * pass the crawl's URL filter like followed links; a URL already in the frontier keeps its
   * first label.
   */
  enqueue(urls: string | readonly string[], options?: EnqueueOptions): void;
  /** Add an item to the crawl's dataset (checked against the crawl's `itemSchema`, if any). */
  push(item: unknown): void;
  /** Do not follow this page's links (only what `enqueue` adds is crawled). */
  skipLinks(): void;
}

/**
 * An element of the parsed document (htmlparser2's DOM).
 *
 * @example
 * ```ts
 * import type { Element, PageContext } from "@skein/scraper";
 *
 * const hrefs = (page: PageContext) => page.select("a[href]").map((a: Element) => a.attribs.href);
 * ```
 */
export interface Element {
  readonly name: string;
  readonly attribs: Record<string, string>;
  readonly children: readonly unknown[];
}
