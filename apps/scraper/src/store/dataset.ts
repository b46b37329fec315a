import type { Operation } from "@skein/core";
import { sql } from "@skein/postgres";
import type { CrawlStore } from "./crawl-store.js";

/**
 * One item of a crawl's dataset, as stored.
 *
 * @example
 * ```ts
 * import type { StoredItem } from "@skein/scraper";
 *
 * const valid = (items: StoredItem[]) => items.filter((i) => i.error === null).map((i) => i.item);
 * ```
 */
export interface StoredItem {
  /** The page whose handler pushed it. */
  url: string;
  /** Its place among that page's items, from 1. */
  n: number;
  /** The item (null when it could not be stored as JSON). */
  item: unknown;
  /** Why the crawl's `itemSchema` refused it; null for a valid item. */
  error: string | null;
}

/**
 * Up to `limit` items of crawl `crawl` after the position `after`, in page URL order then push
 * order, for paging through a dataset.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { createCrawlStore, readItems, useDatabase } from "@skein/scraper";
 *
 * await run(function* () {
 *   const store = yield* createCrawlStore(yield* useDatabase("./.skein-scrape"));
 *   const { id } = yield* store.find("shop");
 *   for (const { url, item } of yield* readItems(store, id)) console.log(url, item);
 * });
 * ```
 *
 * @param store - the crawl store
 * @param crawl - the crawl's id
 * @param after - the last item of the previous page of results
 * @param limit - how many at most
 * @returns the items
 */
export function readItems(
  store: CrawlStore,
  crawl: number,
  after: { url: string; n: number } = { url: "", n: 0 },
  limit = 500,
): Operation<StoredItem[]> {
  return store.db.query<StoredItem>(
    sql`select url, n, item, error from items
        where crawl = ${crawl} and (url, n) > (${after.url}, ${after.n}::int)
        order by url, n limit ${limit}`,
  );
}

/**
 * The outgoing links of up to `limit` pages of crawl `crawl` with URLs after `after`, in URL
 * order: the link graph, page by page.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { createCrawlStore, readLinks, useDatabase } from "@skein/scraper";
 *
 * await run(function* () {
 *   const store = yield* createCrawlStore(yield* useDatabase("./.skein-scrape"));
 *   const { id } = yield* store.find("docs");
 *   for (const { url, links } of yield* readLinks(store, id)) console.log(url, links.length);
 * });
 * ```
 *
 * @param store - the crawl store
 * @param crawl - the crawl's id
 * @param after - the last URL of the previous page of results
 * @param limit - how many pages at most
 * @returns each page's URL and links
 */
export function readLinks(
  store: CrawlStore,
  crawl: number,
  after = "",
  limit = 200,
): Operation<{ url: string; links: string[] }[]> {
  return store.db.query<{ url: string; links: string[] }>(
    sql`select url, links from pages
        where crawl = ${crawl} and url > ${after} and links is not null
        order by url limit ${limit}`,
  );
}
