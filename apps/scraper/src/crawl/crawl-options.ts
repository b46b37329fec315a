import type { ItemSchema } from "../crawler/item-schema.js";
import type { PageHandler } from "../crawler/run-handler.js";
import type { PageFacts } from "../extract/extract-page.js";
import type { Completion, CrawlRecord, CrawlStore } from "../store/crawl-store.js";
import type { HostLookup } from "./address-guard.js";
import type { CrawlMonitor } from "./crawl-monitor.js";
import type { ParserMode } from "./use-page-parser.js";

/**
 * What an extractor gets for each HTML page fetched with a 2xx status.
 *
 * @example
 * ```ts
 * import type { ExtractorInput } from "@skein/scraper";
 *
 * function extract({ url, facts, html }: ExtractorInput) {
 *   return { url, title: facts.title, words: html.split(/\s+/).length };
 * }
 * ```
 */
export interface ExtractorInput {
  url: string;
  status: number;
  html: string;
  facts: PageFacts;
}

/**
 * Turns a page into the JSON item stored in `pages.item`; `undefined` stores nothing. It may
 * return a promise. It is the thinnest case of a `handler`, and runs as one does: in the
 * page's scope, within `handlerTimeoutMs`. An extractor that throws (or times out) marks that
 * page's error `extractor: <its message>`.
 *
 * @example
 * ```ts
 * import type { Extractor } from "@skein/scraper";
 *
 * const extract: Extractor = ({ url, facts }) => ({ url, title: facts.title });
 * ```
 */
export type Extractor = (page: ExtractorInput) => unknown;

/**
 * One URL finished, for progress reporting.
 *
 * @example
 * ```ts
 * import type { PageEvent } from "@skein/scraper";
 *
 * const onPage = (event: PageEvent) => console.log(event.state, event.status ?? event.error, event.url);
 * ```
 */
export interface PageEvent {
  url: string;
  state: Completion["state"];
  status: number | null;
  error: string | null;
  bytes: number;
  retries: number;
}

/**
 * How to crawl. Defaults: 16 fetches at once, 4 per host, no extra delay, unlimited pages and
 * depth, same host only, 15 s per attempt, 3 retries, robots.txt obeyed, 5 MiB per response,
 * 5 redirects, 60 s leases, 5 claims per URL, inline parsing.
 *
 * @example
 * ```ts
 * import type { CrawlOptions } from "@skein/scraper";
 *
 * const options: Omit<CrawlOptions, "store"> = {
 *   name: "docs",
 *   seeds: ["https://example.com/docs/"],
 *   include: ["https://example.com/docs/*"],
 *   maxPages: 500,
 * };
 * ```
 */
export interface CrawlOptions {
  store: CrawlStore;
  /** The crawl to create or resume. */
  name: string;
  /**
   * Start URLs. Empty to resume a crawl that must exist already. Resuming, seeds the crawl
   * does not have are a conflict unless `reconfigure`.
   */
  seeds: readonly string[];
  /**
   * Resuming, replace the saved value of every option given here instead of failing with a
   * `CrawlConfigConflictError`; new seeds join the frontier. Default false.
   */
  reconfigure?: boolean;
  /** This worker's lease owner id. Default: host, pid and a random suffix. */
  worker?: string;
  concurrency?: number;
  perHost?: number;
  delayMs?: number;
  maxPages?: number;
  maxDepth?: number;
  include?: readonly string[];
  exclude?: readonly string[];
  followExternal?: boolean;
  /** Domains whose hosts (and subdomains) are in scope besides the seeds' hosts. */
  allowDomains?: readonly string[];
  timeoutMs?: number;
  retries?: number;
  userAgent?: string;
  robots?: boolean;
  maxBytes?: number;
  maxRedirects?: number;
  leaseMs?: number;
  /**
   * How many times a URL may be claimed without finishing before it is failed with
   * `attempts-exhausted`. A claim counts when its lease expires or its process dies (a crash,
   * an OOM kill, `kill -9`: from outside they look the same); one released on an interrupt or
   * deferred for robots.txt does not. Default 5.
   */
  maxAttempts?: number;
  /** How often an idle worker looks for new work (others may still be adding). Default 50. */
  pollMs?: number;
  /** How often the leases of dead processes on this machine are taken back. Default 1000. */
  reclaimMs?: number;
  parser?: ParserMode;
  extractor?: Extractor;
  /**
   * User code run on each HTML page with a 2xx status (see {@link PageContext}; a
   * `createRouter()` router is one): it extracts items and decides which URLs to add.
   */
  handler?: PageHandler;
  /** Checks each item a handler pushes; invalid ones are stored with their error. */
  itemSchema?: ItemSchema;
  /** How long a handler may run for one page (a route's own `timeoutMs` may be shorter). Default 30 000. */
  handlerTimeoutMs?: number;
  onPage?: (event: PageEvent) => void;
  /** Live figures, pause and stop, for a dashboard: see `createCrawlMonitor()`. */
  monitor?: CrawlMonitor;
  /** How host names are resolved for the private-address check. Default: the system resolver. */
  lookup?: HostLookup;
  /**
   * Keep the per-host slots and delays (and `Retry-After` back-offs) in the database, so that
   * they hold across every process sharing the crawl. Default: on a Postgres server, yes;
   * on embedded PGlite (one process only), no.
   */
  sharedPoliteness?: boolean;
  /** Hosts (and robots.txt files) remembered at once; idle ones beyond it are forgotten. Default 1024. */
  maxHosts?: number;
  /**
   * Seed the crawl from the sitemaps of the seeds' origins too (robots.txt `Sitemap:` lines and
   * `/sitemap.xml`, indexes and gzip files followed; see `readSitemaps()`): each run reads them
   * again, and URLs the crawl has already are left alone. Sitemap URLs are depth 0, with the
   * sitemap as referrer and its `lastmod` kept. Default false.
   */
  sitemaps?: boolean;
  /**
   * Keep each 2xx HTML page's `ETag` and `Last-Modified` (in `stored_pages`); when the crawl is
   * started over (`store.recrawl()`), ask for each kept page with `If-None-Match` /
   * `If-Modified-Since`. A 304 is stored with status 304 and costs no parse: the page's kept
   * links are followed, its handler or extractor does not run. Default false.
   */
  revalidate?: boolean;
  /**
   * Keep each 2xx HTML page's body, gzip-compressed, so that `reparse()` can run a new handler
   * over the pages without fetching them again. Default false.
   */
  keepBodies?: boolean;
  /**
   * Headers sent with every page request (and the sitemap requests), e.g. `authorization`.
   * `user-agent` is the `userAgent` option's.
   */
  headers?: Readonly<Record<string, string>>;
  /** Cookies sent with every page request, as one `cookie` header (name to value). */
  cookies?: Readonly<Record<string, string>>;
}

/**
 * What one engine did.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { type CrawlResult, crawl, createCrawlStore, useDatabase } from "@skein/scraper";
 *
 * await run(function* () {
 *   const store = yield* createCrawlStore(yield* useDatabase());
 *   const result: CrawlResult = yield* crawl({ store, name: "docs", seeds: ["https://example.com/"] });
 *   console.log(`${result.worker} finished ${result.finished} URLs`);
 * });
 * ```
 */
export interface CrawlResult {
  crawl: CrawlRecord;
  worker: string;
  /** URLs this engine finished (fetched or skipped). */
  finished: number;
}

/**
 * The default User-Agent.
 *
 * @example
 * ```ts
 * import { type CrawlOptions, DEFAULT_USER_AGENT } from "@skein/scraper";
 *
 * const polite: Partial<CrawlOptions> = { userAgent: `${DEFAULT_USER_AGENT} ops@example.com` };
 * ```
 */
export const DEFAULT_USER_AGENT = "skein-scrape/0.1 (+https://github.com/skein)";
