import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { type Operation, until } from "@skein/core";
import { extractBody } from "../extract/extract-body.js";
import type { CrawlStore } from "../store/crawl-store.js";
import type { ItemSchema } from "./item-schema.js";
import { type PageHandler, runHandler } from "./run-handler.js";

const gunzipAsync = promisify(gunzip);

/**
 * What {@link reparse} runs, and over which crawl.
 *
 * @example
 * ```ts
 * import type { ReparseOptions } from "@skein/scraper";
 *
 * const options: Omit<ReparseOptions, "store"> = {
 *   name: "shop",
 *   handler: (page) => page.push({ url: page.url, h1: page.text("h1") }),
 * };
 * ```
 */
export interface ReparseOptions {
  store: CrawlStore;
  /** A crawl that ran with `keepBodies: true`. */
  name: string;
  /** Run on each kept page; a `createRouter()` router routes by the label the URL had. */
  handler: PageHandler;
  itemSchema?: ItemSchema;
  /** How long the handler may run for one page. Default 30 000. */
  handlerTimeoutMs?: number;
  /** Called after each page, with the items it pushed or the handler's error. */
  onPage?: (event: { url: string; items: number; error?: string }) => void;
}

/** What {@link reparse} did. */
export interface ReparseResult {
  /** Kept pages the handler ran on. */
  pages: number;
  /** Items stored, invalid ones (stored with their error) included. */
  items: number;
  /** Pages whose handler failed: their items are left as they were. */
  failed: { url: string; error: string }[];
}

/**
 * Run `handler` over the pages crawl `name` kept (see `CrawlOptions.keepBodies`), without
 * fetching anything: each page's items are replaced by what the handler pushes now, in one
 * transaction per page. The handler gets the page as the crawl stored it (URL, final URL,
 * status, content type, depth, label and user data); what it enqueues or skips is ignored, as
 * nothing is crawled. A handler that fails leaves that page's items as they were.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { createCrawlStore, reparse, useDatabase } from "@skein/scraper";
 *
 * await run(function* () {
 *   const store = yield* createCrawlStore(yield* useDatabase("./.skein-scrape"));
 *   const result = yield* reparse({
 *     store,
 *     name: "shop",
 *     handler: (page) => page.push({ url: page.url, price: page.text(".price") }),
 *   });
 *   console.log(`${result.items} items from ${result.pages} pages`);
 * });
 * ```
 *
 * @param options - see {@link ReparseOptions}
 * @returns how many pages and items, and the pages whose handler failed
 * @throws CrawlNotFoundError when there is no crawl `name`
 */
export function* reparse(options: ReparseOptions): Operation<ReparseResult> {
  const { store } = options;
  const { id } = yield* store.find(options.name);
  const result: ReparseResult = { pages: 0, items: 0, failed: [] };
  const timeoutMs = options.handlerTimeoutMs ?? 30_000;
  for (let after = ""; ; ) {
    const kept = yield* store.keptPages(id, after, 50);
    if (kept.length === 0) return result;
    for (const page of kept) {
      after = page.url;
      const body = new Uint8Array(yield* until(gunzipAsync(page.gzip)));
      const finalUrl = page.final_url ?? page.url;
      const outcome = yield* runHandler(
        options.handler,
        {
          url: page.url,
          finalUrl,
          status: page.status ?? 200,
          headers: page.content_type === null ? {} : { "content-type": page.content_type },
          depth: page.depth ?? 0,
          label: page.label ?? undefined,
          userData: page.user_data ?? undefined,
          facts: extractBody(body, page.content_type, finalUrl),
          body,
          contentType: page.content_type,
        },
        {
          timeoutMs,
          ...(options.itemSchema === undefined ? {} : { itemSchema: options.itemSchema }),
        },
      );
      result.pages++;
      if (outcome.error !== undefined) {
        result.failed.push({ url: page.url, error: outcome.error });
        options.onPage?.({ url: page.url, items: 0, error: outcome.error });
        continue;
      }
      yield* store.replaceItems(id, page.url, outcome.items);
      result.items += outcome.items.length;
      options.onPage?.({ url: page.url, items: outcome.items.length });
    }
  }
}
