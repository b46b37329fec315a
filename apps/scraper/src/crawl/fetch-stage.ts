import { type Operation, useScope } from "@skein/core";
import type { HttpClient } from "@skein/http";
import { allowAll } from "../robots/robots.js";
import type { ClaimedUrl, Completion, CrawlStore, PageRecord } from "../store/crawl-store.js";
import type { CrawlScope } from "./crawl-scope.js";
import type { CrawlSettings } from "./crawl-settings.js";
import { type Fetched, fetchPage } from "./fetch-page.js";
import { HostGate } from "./host-gate.js";
import { RobotsCache } from "./robots-cache.js";
import { type Gate, localGate, SharedHostGate } from "./shared-host-gate.js";

/**
 * Internal to the crawl. What fetching a claimed URL came to: a response, an outcome already
 * (a refusal, a robots.txt disallow), or a wait before the host may be asked.
 */
export type FetchOutcome = { fetched: Fetched } | { completion: Completion } | { deferMs: number };

/** Internal to the crawl. The fetch stage: scope and robots.txt checks, politeness, retries. */
export interface FetchStage {
  fetch(url: ClaimedUrl): Operation<FetchOutcome>;
  /** Whether robots.txt (if already read for its origin) lets `found` be crawled. */
  robotsAllows(found: URL): boolean;
}

/** Internal to the crawl. What the fetch stage needs besides the settings. */
export interface FetchStageOptions {
  client: HttpClient;
  scope: CrawlScope;
  settings: CrawlSettings;
  store: CrawlStore;
  crawl: number;
  worker: string;
  /** Keep per-host slots and delays in the database, for every process of the crawl. */
  shared: boolean;
  /** Told when a request to `host` starts (its slot taken) and ends: the dashboard's in flight. */
  requests?: { began(host: string): void; ended(host: string): void } | undefined;
}

/**
 * Internal to the crawl. The fetch stage for the current scope: its robots.txt cache and host
 * gate live as long as the scope.
 */
export function* useFetchStage(options: FetchStageOptions): Operation<FetchStage> {
  const { client, scope, settings } = options;
  const { userAgent, timeoutMs, retries, perHost, maxHosts, pollMs } = settings;
  const robots = new RobotsCache(yield* useScope(), client, {
    userAgent,
    timeoutMs,
    retries,
    maxRetryAfterMs: 60_000,
    maxOrigins: maxHosts,
  });
  const gate: Gate = options.shared
    ? new SharedHostGate({
        store: options.store,
        crawl: options.crawl,
        worker: options.worker,
        perHost,
        holdMs: timeoutMs + 10_000,
        pollMs: Math.max(10, Math.min(pollMs, 50)),
        maxHosts,
      })
    : localGate(new HostGate(perHost, maxHosts));
  return {
    robotsAllows(found) {
      if (!settings.robots) return true;
      return robots.peek(found.origin)?.allows(found.pathname + found.search) !== false;
    },
    *fetch(url) {
      const target = new URL(url.url);
      if (yield* scope.reachesPrivate(url.url)) return { completion: failure("unsafe-address") };
      const rules = settings.robots ? yield* robots.get(target.origin) : allowAll;
      if ("unavailable" in rules) {
        // RFC 9309: a robots.txt that cannot be read disallows everything for now.
        return rules.final
          ? { completion: failure("robots-unavailable") }
          : { deferMs: rules.retryInMs };
      }
      if (!rules.allows(target.pathname + target.search)) {
        return { completion: { state: "skipped" } };
      }
      const hostDelay = Math.max(settings.delayMs, rules.crawlDelayMs ?? 0);
      const fetched = yield* fetchPage(client, url.url, {
        userAgent,
        timeoutMs,
        retries,
        maxBytes: settings.maxBytes,
        maxRedirects: settings.maxRedirects,
        maxRetryAfterMs: 60_000,
        *allowsUrl(final) {
          if (yield* scope.reachesPrivate(final)) return "unsafe-redirect";
          if (!scope.allows(final) && new URL(final).host !== target.host) return "out-of-scope";
          return true;
        },
        headers: headersFor(url, settings),
        gate: (operation) =>
          gate.run(target.host, hostDelay, function* () {
            options.requests?.began(target.host);
            try {
              return yield* operation();
            } finally {
              options.requests?.ended(target.host);
            }
          }),
        backoff: (ms) => gate.backoff(target.host, ms),
      });
      return { fetched };
    },
  };
}

/** The crawl's headers, and the validators of a kept page when the crawl revalidates. */
function headersFor(url: ClaimedUrl, settings: CrawlSettings): Record<string, string> {
  if (!settings.revalidate || (url.etag == null && url.lastModified == null)) {
    return settings.headers;
  }
  return {
    ...settings.headers,
    ...(url.etag == null ? {} : { "if-none-match": url.etag }),
    ...(url.lastModified == null ? {} : { "if-modified-since": url.lastModified }),
  };
}

/** Internal to the crawl. The outcome of a URL refused with `error` before any fetch. */
export function failure(error: string): Completion {
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
