import type { Operation } from "@skein/core";
import { type HostLookup, privateAddressOf } from "./address-guard.js";
import type { CrawlOptions } from "./crawl-options.js";
import { createUrlFilter } from "./url-filter.js";

/** Internal to the crawl. Which URLs a crawl may reach. */
export interface CrawlScope {
  /** Whether `url` passes the crawl's URL filter (hosts, domains, include, exclude). */
  allows(url: string): boolean;
  /** Whether fetching `url` would reach a private address from a public crawl. */
  reachesPrivate(url: string): Operation<boolean>;
}

/**
 * Internal to the crawl. The scope of a crawl from `options.seeds`: a crawl "starts on" a
 * private address if a seed is one or resolves to one, and only then may it reach others.
 */
export function* createCrawlScope(
  options: CrawlOptions,
  resolve: HostLookup,
): Operation<CrawlScope> {
  let startsPrivate = false;
  for (const seed of options.seeds) {
    if ((yield* privateAddressOf(new URL(seed).hostname, resolve)) !== undefined) {
      startsPrivate = true;
      break;
    }
  }
  const allows = createUrlFilter({
    seeds: options.seeds,
    followExternal: options.followExternal ?? false,
    allowDomains: options.allowDomains ?? [],
    include: options.include ?? [],
    exclude: options.exclude ?? [],
    allowPrivate: startsPrivate,
  });
  return {
    allows,
    *reachesPrivate(url) {
      if (startsPrivate) return false;
      return (yield* privateAddressOf(new URL(url).hostname, resolve)) !== undefined;
    },
  };
}
