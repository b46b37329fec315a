import type { Operation } from "@skein/core";
import type { HttpClient } from "@skein/http";
import { readSitemaps } from "../sitemap/read-sitemaps.js";
import type { CrawlStore } from "../store/crawl-store.js";
import type { CrawlScope } from "./crawl-scope.js";
import type { CrawlSettings } from "./crawl-settings.js";

/** Internal to the crawl. Where {@link seedFromSitemaps} looks and what it adds to. */
export interface SitemapSeedOptions {
  client: HttpClient;
  store: CrawlStore;
  crawl: number;
  seeds: readonly string[];
  scope: CrawlScope;
  settings: CrawlSettings;
}

/**
 * Internal to the crawl. Add the URLs the sitemaps of the seeds' origins list, those in the
 * crawl's scope, to its frontier at depth 0, each with its sitemap as referrer and its
 * `lastmod`. Returns how many were new.
 */
export function* seedFromSitemaps(options: SitemapSeedOptions): Operation<number> {
  const { settings, scope } = options;
  const origins = [...new Set(options.seeds.map((seed) => new URL(seed).origin))];
  const found = yield* readSitemaps({
    client: options.client,
    origins,
    userAgent: settings.userAgent,
    headers: settings.headers,
    timeoutMs: settings.timeoutMs,
  });
  const entries = found.urls
    .filter((entry) => scope.allows(entry.url))
    .map((entry) => ({
      url: entry.url,
      host: new URL(entry.url).host,
      depth: 0,
      referrer: entry.sitemap,
      ...(entry.lastmod === undefined ? {} : { lastmod: entry.lastmod }),
    }));
  return yield* options.store.enqueue(options.crawl, entries);
}
