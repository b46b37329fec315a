import {
  createEvent,
  createLock,
  moveOnAfter,
  type Operation,
  scoped,
  sleep,
  spawn,
  until,
  useScope,
} from "@skein/core";
import { useHttpClient } from "@skein/http";
import type { ItemSchema } from "../crawler/item-schema.js";
import { type HandlerOutcome, type PageHandler, runHandler } from "../crawler/run-handler.js";
import { charsetOf, decodeBody } from "../extract/extract-body.js";
import type { PageFacts } from "../extract/extract-page.js";
import { allowAll } from "../robots/robots.js";
import type {
  ClaimedUrl,
  Completion,
  CrawlRecord,
  CrawlStore,
  FoundUrl,
  PageRecord,
} from "../store/crawl-store.js";
import { type HostLookup, privateAddressOf, systemLookup } from "./address-guard.js";
import type { CrawlMonitor } from "./crawl-monitor.js";
import { isDeadLocalWorker, localWorkerId } from "./dead-worker.js";
import { fetchPage } from "./fetch-page.js";
import { HostGate } from "./host-gate.js";
import { InvalidCrawlOptionError } from "./invalid-crawl-option-error.js";
import { KnownUrls } from "./known-urls.js";
import { RobotsCache } from "./robots-cache.js";
import { resolveCrawl } from "./saved-config.js";
import { type Gate, localGate, SharedHostGate } from "./shared-host-gate.js";
import { createUrlFilter } from "./url-filter.js";
import { type ParserMode, usePageParser } from "./use-page-parser.js";
import { WriteBehind } from "./write-behind.js";

/** What an extractor gets for each HTML page fetched with a 2xx status. */
export interface ExtractorInput {
  url: string;
  status: number;
  html: string;
  facts: PageFacts;
}

/**
 * Turns a page into the JSON item stored in `pages.item`; `undefined` stores nothing. It may
 * return a promise. An extractor that throws marks that page's error `extractor: <its message>`.
 */
export type Extractor = (page: ExtractorInput) => unknown;

/** One URL finished, for progress reporting. */
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
}

/** What one engine did. */
export interface CrawlResult {
  crawl: CrawlRecord;
  worker: string;
  /** URLs this engine finished (fetched or skipped). */
  finished: number;
}

/** The default User-Agent. */
export const DEFAULT_USER_AGENT = "skein-scrape/0.1 (+https://github.com/skein)";

function whole(name: string, value: number | undefined, fallback: number, min = 1): number {
  const v = value ?? fallback;
  if (!(Number.isInteger(v) || v === Number.POSITIVE_INFINITY) || v < min) {
    throw new InvalidCrawlOptionError(name, value, `an integer >= ${min}`);
  }
  return v;
}

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
  const concurrency = whole("concurrency", options.concurrency, 16);
  const perHost = whole("perHost", options.perHost, 4);
  const delayMs = whole("delayMs", options.delayMs, 0, 0);
  const maxPages = whole("maxPages", options.maxPages, Number.MAX_SAFE_INTEGER);
  const maxDepth = whole("maxDepth", options.maxDepth, Number.POSITIVE_INFINITY, 0);
  const timeoutMs = whole("timeoutMs", options.timeoutMs, 15_000);
  const retries = whole("retries", options.retries, 3, 0);
  const leaseMs = whole("leaseMs", options.leaseMs, 60_000);
  const maxAttempts = whole("maxAttempts", options.maxAttempts, 5);
  const pollMs = whole("pollMs", options.pollMs, 50);
  const handlerTimeoutMs = whole("handlerTimeoutMs", options.handlerTimeoutMs, 30_000);
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const worker = options.worker ?? localWorkerId(Math.random().toString(36).slice(2, 8));
  const reclaimMs = whole("reclaimMs", options.reclaimMs, 1000);
  const maxHosts = whole("maxHosts", options.maxHosts, 1024);
  const resolve = options.lookup ?? systemLookup;
  const seedsOfRecord = options.seeds;
  // The crawl "starts on" a private address if a seed is one or resolves to one.
  let startsPrivate = false;
  for (const seed of seedsOfRecord) {
    if ((yield* privateAddressOf(new URL(seed).hostname, resolve)) !== undefined) {
      startsPrivate = true;
      break;
    }
  }
  const allows = createUrlFilter({
    seeds: seedsOfRecord,
    followExternal: options.followExternal ?? false,
    allowDomains: options.allowDomains ?? [],
    include: options.include ?? [],
    exclude: options.exclude ?? [],
    allowPrivate: startsPrivate,
  });
  /** Whether fetching `url` would reach a private address from a public crawl. */
  function* reachesPrivate(url: string): Operation<boolean> {
    if (startsPrivate) return false;
    return (yield* privateAddressOf(new URL(url).hostname, resolve)) !== undefined;
  }
  // As many sockets per origin as the host gate lets requests in flight to it; the workers
  // bound the total.
  const client = yield* useHttpClient({ perHost, keepAlive: { idleMs: 2000 } });
  const parse = yield* usePageParser(options.parser ?? "inline");
  const robots = new RobotsCache(yield* useScope(), client, {
    userAgent,
    timeoutMs,
    retries,
    maxRetryAfterMs: 60_000,
    maxOrigins: maxHosts,
  });
  // On a server other processes may share the crawl: the slots and delays live in the database.
  const shared = options.sharedPoliteness ?? store.db.backend === "server";
  const gate: Gate = shared
    ? new SharedHostGate({
        store,
        crawl: record.id,
        worker,
        perHost,
        holdMs: timeoutMs + 10_000,
        pollMs: Math.max(10, Math.min(pollMs, 50)),
        maxHosts,
      })
    : localGate(new HostGate(perHost, maxHosts));
  const buffer: ClaimedUrl[] = [];
  const known = new KnownUrls(200_000);
  const refill = createLock();
  let busy = 0;
  let finished = 0;
  // After a claim that found nothing, the next one waits for this engine to add URLs (`grown`)
  // or, for other engines' URLs and deferred ones, until `quietUntil`: idle workers do not
  // each ask the database again.
  let grown = false;
  let quietUntil = 0;
  let exhausted = false;
  let countedUntil = 0;
  const wake = createEvent();
  // A process killed outright (kill -9, a crash) could not release its leases.
  function* reclaimDead(): Operation<void> {
    for (const owner of yield* store.leaseOwners(record.id)) {
      if (isDeadLocalWorker(owner) && (yield* store.reclaim(record.id, owner, maxAttempts)) > 0) {
        grown = true;
        wake.set();
      }
    }
  }
  yield* reclaimDead();
  // Completions are written several to a statement; a page counts as finished once committed.
  const completions = new WriteBehind<{ url: string; outcome: Completion; event: PageEvent }>({
    maxBatch: Math.max(8, Math.min(64, concurrency)),
    intervalMs: 20,
    *write(batch) {
      const owned = new Set(yield* store.completeMany(record.id, worker, batch));
      grown = true;
      wake.set();
      for (const { url, outcome, event } of batch) {
        if (!owned.has(url)) continue;
        if (outcome.enqueue !== undefined) known.add(outcome.enqueue.map((found) => found.url));
        finished++;
        monitor?.finished(event);
        options.onPage?.(event);
      }
    },
  });

  function* next(): Operation<ClaimedUrl | undefined> {
    for (;;) {
      if (monitor?.stopped) return undefined;
      const ready = buffer.shift();
      if (ready !== undefined) return ready;
      if (monitor !== undefined) {
        // Paused: claim nothing more; what is claimed already is finished.
        yield* monitor.whileRunning();
        if (monitor.stopped) return undefined;
      }
      yield* refill.withLock(function* () {
        if (buffer.length > 0 || (!grown && Date.now() < quietUntil)) return;
        grown = false;
        wake.reset();
        const batch = yield* store.claimBatch(
          record.id,
          worker,
          concurrency,
          leaseMs,
          maxPages,
          maxAttempts,
        );
        if (batch.length === 0) quietUntil = Date.now() + pollMs;
        known.add(batch.map((claimed) => claimed.url));
        buffer.push(...batch);
      });
      if (buffer.length > 0) continue;
      // The links of pages not written yet are not in the frontier yet.
      if (completions.size > 0) {
        yield* completions.flush();
        continue;
      }
      if (busy === 0 && (yield* frontierExhausted())) return undefined;
      yield* moveOnAfter(pollMs, wake.wait());
    }
  }

  /** Whether no engine has anything left to do; asked once per quiet period by all workers. */
  function* frontierExhausted(): Operation<boolean> {
    return yield* refill.withLock(function* () {
      if (exhausted || Date.now() < countedUntil) return exhausted;
      const counts = yield* store.counts(record.id);
      const used = counts.leased + counts.done + counts.failed;
      exhausted = counts.leased === 0 && (counts.queued === 0 || used >= maxPages);
      countedUntil = Date.now() + pollMs;
      // The other idle workers end now rather than at the end of their poll interval.
      if (exhausted) wake.set();
      return exhausted;
    });
  }

  function* visit(url: ClaimedUrl): Operation<void> {
    monitor?.began(url.host);
    let outcome: Completion | { deferMs: number };
    try {
      outcome = yield* outcomeOf(url);
    } finally {
      monitor?.ended(url.host);
    }
    if ("deferMs" in outcome) {
      yield* store.defer(record.id, worker, url.url, outcome.deferMs);
      return;
    }
    const event: PageEvent = {
      url: url.url,
      state: outcome.state,
      status: outcome.page?.status ?? null,
      error: outcome.page?.error ?? null,
      bytes: outcome.page?.bytes ?? 0,
      retries: outcome.page?.retries ?? 0,
    };
    yield* completions.add({ url: url.url, outcome, event });
  }

  function* outcomeOf(url: ClaimedUrl): Operation<Completion | { deferMs: number }> {
    const target = new URL(url.url);
    if (yield* reachesPrivate(url.url)) return failure("unsafe-address");
    const rules = options.robots === false ? allowAll : yield* robots.get(target.origin);
    if ("unavailable" in rules) {
      // RFC 9309: a robots.txt that cannot be read disallows everything for now.
      return rules.final ? failure("robots-unavailable") : { deferMs: rules.retryInMs };
    }
    if (!rules.allows(target.pathname + target.search)) return { state: "skipped" };
    const hostDelay = Math.max(delayMs, rules.crawlDelayMs ?? 0);
    const fetched = yield* fetchPage(client, url.url, {
      userAgent,
      timeoutMs,
      retries,
      maxBytes: options.maxBytes ?? 5 * 1024 * 1024,
      maxRedirects: options.maxRedirects ?? 5,
      maxRetryAfterMs: 60_000,
      *allowsUrl(final) {
        if (yield* reachesPrivate(final)) return "unsafe-redirect";
        if (!allows(final) && new URL(final).host !== target.host) return "out-of-scope";
        return true;
      },
      gate: (operation) => gate.run(target.host, hostDelay, operation),
      backoff: (ms) => gate.backoff(target.host, ms),
    });
    const page: PageRecord = {
      status: fetched.status,
      content_type: fetched.contentType,
      title: null,
      description: null,
      canonical: null,
      bytes: fetched.bytes,
      elapsed_ms: fetched.elapsedMs,
      retries: fetched.retries,
      error: fetched.error,
      item: null,
    };
    if (fetched.body === undefined || fetched.status === null) {
      return { state: fetched.error === null ? "done" : "failed", page };
    }
    const body = fetched.body;
    const keep = options.extractor !== undefined || options.handler !== undefined;
    const facts = yield* parse(body, fetched.contentType, fetched.finalUrl, keep);
    page.title = facts.title ?? null;
    page.description = facts.description ?? null;
    page.canonical = facts.canonical ?? null;
    if (options.extractor !== undefined) {
      try {
        const html = decodeBody(body, charsetOf(fetched.contentType));
        const input = { url: url.url, status: fetched.status, html, facts };
        page.item = (yield* settle(options.extractor(input))) ?? null;
      } catch (error) {
        // The code first, so that errors group by kind; then what the extractor said.
        const message = error instanceof Error ? error.message : String(error);
        page.error = `extractor: ${message.split("\n")[0]!.slice(0, 200)}`;
      }
    }
    let handled: HandlerOutcome | undefined;
    if (options.handler !== undefined) {
      const input = {
        url: url.url,
        finalUrl: fetched.finalUrl,
        status: fetched.status,
        headers: fetched.headers ?? {},
        depth: url.depth,
        label: url.label ?? undefined,
        userData: url.userData ?? undefined,
        facts,
        body,
        contentType: fetched.contentType,
      };
      handled = yield* runHandler(options.handler, input, {
        timeoutMs: handlerTimeoutMs,
        ...(options.itemSchema === undefined ? {} : { itemSchema: options.itemSchema }),
      });
      if (handled.error !== undefined) {
        // The page's handler failed: its row says why, and nothing it added is kept.
        page.error = "handler";
        page.error_message = handled.error;
        return { state: "failed", page, links: facts.links };
      }
    }
    const enqueue: FoundUrl[] = [];
    /** Whether `link` may join the frontier: in bounds and not disallowed by robots.txt. */
    const admits = (link: string, found: URL) => {
      if (!allows(link)) return false;
      const robotsRules = options.robots === false ? undefined : robots.peek(found.origin);
      return robotsRules?.allows(found.pathname + found.search) !== false;
    };
    // What the handler enqueued (with its label) goes first; the same URL among the followed
    // links is not sent again, where it could win the insert without its label.
    const labelled = new Set<string>();
    if (url.depth + 1 <= maxDepth) {
      for (const extra of handled?.enqueued ?? []) {
        const found = new URL(extra.url);
        if (labelled.has(extra.url) || !admits(extra.url, found)) continue;
        labelled.add(extra.url);
        enqueue.push({ ...extra, host: found.host });
      }
    }
    if (!facts.nofollow && handled?.skipLinks !== true && url.depth + 1 <= maxDepth) {
      for (const link of facts.links) {
        if (known.has(link) || labelled.has(link)) continue;
        const found = new URL(link);
        if (admits(link, found)) enqueue.push({ url: link, host: found.host });
      }
    }
    return {
      state: "done",
      page,
      links: facts.links,
      enqueue,
      ...(handled === undefined ? {} : { items: handled.items }),
      ...(fetched.finalUrl === url.url ? {} : { finalUrl: fetched.finalUrl }),
    };
  }

  try {
    // The workers live in a scope of their own, so that on a halt they (and any claim or
    // completion they have in flight) are over before their leases are released.
    yield* scoped(function* () {
      yield* spawn(() => completions.run(), { name: "completion writer" });
      // Other processes may die while this one runs: their URLs come back without waiting for
      // the leases to expire (expired leases are taken over by the claims themselves).
      yield* spawn(
        function* () {
          for (;;) {
            yield* sleep(reclaimMs);
            yield* reclaimDead();
          }
        },
        { name: "dead lease reclaimer" },
      );
      const workers = [];
      for (let i = 0; i < concurrency; i++) {
        workers.push(
          yield* spawn(
            function* () {
              for (;;) {
                const url = yield* next();
                if (url === undefined) return;
                busy++;
                try {
                  yield* visit(url);
                } finally {
                  busy--;
                }
              }
            },
            { name: `worker ${i + 1}` },
          ),
        );
      }
      for (const task of workers) yield* task;
      yield* completions.flush();
    });
    const counts = yield* store.counts(record.id);
    // A stopped crawl keeps its frontier for a resume.
    if (counts.leased === 0 && !monitor?.stopped) yield* store.finish(record.id);
  } finally {
    buffer.length = 0;
    // Before the leases go back: a URL is released only if its page was not written.
    yield* completions.flush();
    // Everything this engine still holds, including a batch whose claim was halted after the
    // database had already made it.
    yield* store.release(record.id, worker);
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

function failure(error: string): Completion {
  const page: PageRecord = {
    status: null,
    content_type: null,
    title: null,
    description: null,
    canonical: null,
    bytes: 0,
    elapsed_ms: 0,
    retries: 0,
    error,
    item: null,
  };
  return { state: "failed", page };
}

function* settle(value: unknown): Operation<unknown> {
  if (value !== null && typeof value === "object" && "then" in value) {
    return yield* until(value as PromiseLike<unknown>);
  }
  return value;
}
