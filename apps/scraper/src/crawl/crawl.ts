import { type Operation, scoped, spawn } from "@skein/core";
import { useHttpClient } from "@skein/http";
import { extractorHandler } from "../crawler/extractor-handler.js";
import type { ClaimedUrl, CrawlRecord } from "../store/crawl-store.js";
import { systemLookup } from "./address-guard.js";
import type { CrawlOptions, CrawlResult } from "./crawl-options.js";
import { createCrawlScope } from "./crawl-scope.js";
import { settingsOf } from "./crawl-settings.js";
import { localWorkerId } from "./dead-worker.js";
import { useFetchStage } from "./fetch-stage.js";
import { Frontier } from "./frontier.js";
import { KnownUrls } from "./known-urls.js";
import { createParseStage } from "./parse-stage.js";
import { resolveCrawl } from "./saved-config.js";
import { seedFromSitemaps } from "./sitemap-seeds.js";
import { StoreStage } from "./store-stage.js";
import { usePageParser } from "./use-page-parser.js";

/**
 * Crawl until the frontier is empty (or `maxPages` is reached), sharing the work through the
 * store with every other engine on the same crawl, in this process or another. Halting it
 * cancels the fetches in flight and puts every URL it holds back in the queue, so the crawl
 * can be resumed by name.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { crawl, createCrawlStore, useDatabase } from "@skein/scraper";
 *
 * await run(function* () {
 *   const store = yield* createCrawlStore(yield* useDatabase("./.skein-scrape"));
 *   const result = yield* crawl({ store, name: "example", seeds: ["https://example.com/"], maxPages: 100 });
 *   console.log(yield* store.summary(result.crawl.id));
 * });
 * ```
 *
 * @param options - see {@link CrawlOptions}
 * @returns what this engine did
 */
export function* crawl(given: CrawlOptions): Operation<CrawlResult> {
  // Checked before anything is written; a resumed crawl runs with its saved options.
  const { record, options } = yield* resolveCrawl(given);
  const { store, monitor } = options;
  const settings = settingsOf(options);
  const { concurrency } = settings;
  const worker = options.worker ?? localWorkerId(Math.random().toString(36).slice(2, 8));
  const crawlId = record.id;
  const known = new KnownUrls(200_000);
  const scope = yield* createCrawlScope(options, options.lookup ?? systemLookup);
  // As many sockets per origin as the host gate lets requests in flight to it.
  const client = yield* useHttpClient({ perHost: settings.perHost, keepAlive: { idleMs: 2000 } });
  // On a server other processes may share the crawl: the slots and delays live in the database.
  const shared = options.sharedPoliteness ?? store.db.backend === "server";
  const fetchStage = yield* useFetchStage({
    client,
    scope,
    settings,
    store,
    crawl: crawlId,
    worker,
    shared,
    requests: monitor,
  });
  const parseStage = createParseStage({
    parse: yield* usePageParser(options.parser ?? "inline"),
    extractor: options.extractor === undefined ? undefined : extractorHandler(options.extractor),
    handler: options.handler,
    itemSchema: options.itemSchema,
    handlerTimeoutMs: settings.handlerTimeoutMs,
    maxDepth: settings.maxDepth,
    known,
    inScope: (link) => scope.allows(link),
    robotsAllows: (found) => fetchStage.robotsAllows(found),
    revalidate: settings.revalidate,
    keepBodies: settings.keepBodies,
    keptLinks: (url) => store.keptLinks(crawlId, url),
  });
  let finished = 0;
  const storeStage: StoreStage = new StoreStage({
    store,
    crawl: crawlId,
    worker,
    concurrency,
    known,
    written: () => frontier.grew(),
    finished(event) {
      finished++;
      monitor?.finished(event);
      options.onPage?.(event);
    },
  });
  const frontier = new Frontier({
    ...settings,
    store,
    crawl: crawlId,
    worker,
    monitor,
    known,
    pending: storeStage,
  });
  yield* frontier.reclaimDead();
  if (options.sitemaps === true) {
    const seeds = options.seeds;
    yield* seedFromSitemaps({ client, store, crawl: crawlId, seeds, scope, settings });
  }

  /** One URL down the pipeline: fetch, parse, store (whose write adds the URLs it found). */
  function* visit(url: ClaimedUrl): Operation<void> {
    const fetched = yield* fetchStage.fetch(url);
    if ("deferMs" in fetched) return yield* frontier.defer(url, fetched.deferMs);
    const outcome =
      "completion" in fetched ? fetched.completion : yield* parseStage(url, fetched.fetched);
    yield* storeStage.add(url, outcome);
  }

  try {
    // The workers live in a scope of their own, so that on a halt they (and any claim or
    // completion they have in flight) are over before their leases are released.
    yield* scoped(function* () {
      yield* spawn(() => storeStage.run(), { name: "completion writer" });
      // Other processes may die while this one runs: their URLs come back without waiting for
      // the leases to expire (expired leases are taken over by the claims themselves).
      yield* spawn(() => frontier.reclaimEvery(settings.reclaimMs), {
        name: "dead lease reclaimer",
      });
      const workers = [];
      for (let i = 0; i < concurrency; i++) {
        workers.push(yield* spawn(() => frontier.work(visit), { name: `worker ${i + 1}` }));
      }
      for (const task of workers) yield* task;
      yield* storeStage.flush();
    });
    const counts = yield* store.counts(crawlId);
    // A stopped crawl keeps its frontier for a resume.
    if (counts.leased === 0 && !monitor?.stopped) yield* store.finish(crawlId);
  } finally {
    // Before the leases go back: a URL is released only if its page was not written. Then
    // everything this engine still holds, including a batch whose claim was halted after the
    // database had already made it.
    yield* storeStage.flush();
    yield* frontier.release();
  }
  return { crawl: record, worker, finished };
}

/**
 * Create the crawl `options.name` with its seeds, or find it if it exists; {@link crawl} does
 * this first, and a caller that needs the crawl's id before crawling can do it too.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { createCrawlStore, openCrawl, useDatabase } from "@skein/scraper";
 *
 * await run(function* () {
 *   const store = yield* createCrawlStore(yield* useDatabase());
 *   const record = yield* openCrawl({ store, name: "docs", seeds: ["https://example.com/"] });
 *   console.log(record.id, record.resumed);
 * });
 * ```
 *
 * Its options are checked first (nothing is written for bad ones), and a crawl that exists runs
 * with its saved options: see {@link CrawlOptions.reconfigure}.
 *
 * @param options - the store, name and seeds (the rest is saved as the crawl's config)
 * @returns the crawl record
 */
export function* openCrawl(options: CrawlOptions): Operation<CrawlRecord> {
  return (yield* resolveCrawl(options)).record;
}
