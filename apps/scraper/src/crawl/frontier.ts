import { createEvent, createLock, moveOnAfter, type Operation, sleep } from "@skein/core";
import type { ClaimedUrl, CrawlStore } from "../store/crawl-store.js";
import type { CrawlMonitor } from "./crawl-monitor.js";
import { isDeadLocalWorker } from "./dead-worker.js";
import type { KnownUrls } from "./known-urls.js";

/** Internal to the crawl. What a {@link Frontier} claims with. */
export interface FrontierOptions {
  store: CrawlStore;
  crawl: number;
  worker: string;
  /** URLs claimed at once (one per worker). */
  concurrency: number;
  leaseMs: number;
  maxPages: number;
  /** Claims of a URL that did not finish before it is failed with `attempts-exhausted`. */
  maxAttempts: number;
  /** How long an idle worker waits before asking the database again. */
  pollMs: number;
  monitor: CrawlMonitor | undefined;
  known: KnownUrls;
  /** Completions not written yet: their links are not in the frontier yet. */
  pending: { readonly size: number; flush(): Operation<void> };
}

/**
 * Internal to the crawl. This engine's end of the shared frontier: it claims URLs in batches
 * (leased for `leaseMs`) and hands them to the workers one at a time. After a claim that found
 * nothing, the next one waits for this engine to add URLs ({@link Frontier.grew}) or, for other
 * engines' URLs and deferred ones, one quiet period (`pollMs`): idle workers do not each ask
 * the database again. The crawl is over when nothing is queued or leased by anyone.
 */
export class Frontier {
  private readonly buffer: ClaimedUrl[] = [];
  private readonly refill = createLock();
  private readonly wake = createEvent();
  private busy = 0;
  private grown = false;
  private quietUntil = 0;
  private exhausted = false;
  private countedUntil = 0;

  constructor(private readonly options: FrontierOptions) {}

  /** URLs were added to the frontier (or came back to it): claim again without waiting. */
  grew(): void {
    this.grown = true;
    this.wake.set();
  }

  /**
   * Run `visit` on each URL this engine claims until the frontier is exhausted or the
   * monitor stops the crawl; one call per worker.
   */
  *work(visit: (url: ClaimedUrl) => Operation<void>): Operation<void> {
    for (;;) {
      const url = yield* this.next();
      if (url === undefined) return;
      this.busy++;
      try {
        yield* visit(url);
      } finally {
        this.busy--;
      }
    }
  }

  /** Put `url` back in the queue for `ms`: its host cannot be fetched yet. */
  *defer(url: ClaimedUrl, ms: number): Operation<void> {
    const { store, crawl, worker } = this.options;
    yield* store.defer(crawl, worker, url.url, ms);
  }

  /** Take back the leases of dead processes on this machine (killed outright, they kept them). */
  *reclaimDead(): Operation<void> {
    const { store, crawl, maxAttempts } = this.options;
    for (const owner of yield* store.leaseOwners(crawl)) {
      if (isDeadLocalWorker(owner) && (yield* store.reclaim(crawl, owner, maxAttempts)) > 0) {
        this.grew();
      }
    }
  }

  /** {@link Frontier.reclaimDead} every `ms` until halted. */
  *reclaimEvery(ms: number): Operation<never> {
    for (;;) {
      yield* sleep(ms);
      yield* this.reclaimDead();
    }
  }

  /** Put every URL this engine holds back in the queue, claimed ones not handed out included. */
  *release(): Operation<void> {
    this.buffer.length = 0;
    const { store, crawl, worker } = this.options;
    yield* store.release(crawl, worker);
  }

  private *next(): Operation<ClaimedUrl | undefined> {
    const { monitor, pending, pollMs } = this.options;
    for (;;) {
      if (monitor?.stopped) return undefined;
      const ready = this.buffer.shift();
      if (ready !== undefined) return ready;
      if (monitor !== undefined) {
        // Paused: claim nothing more; what is claimed already is finished.
        yield* monitor.whileRunning();
        if (monitor.stopped) return undefined;
      }
      yield* this.claim();
      if (this.buffer.length > 0) continue;
      // The links of pages not written yet are not in the frontier yet.
      if (pending.size > 0) {
        yield* pending.flush();
        continue;
      }
      if (this.busy === 0 && (yield* this.isExhausted())) return undefined;
      yield* moveOnAfter(pollMs, this.wake.wait());
    }
  }

  private claim(): Operation<void> {
    const self = this;
    const { store, crawl, worker, concurrency, leaseMs, maxPages, maxAttempts, pollMs, known } =
      this.options;
    return this.refill.withLock(function* () {
      if (self.buffer.length > 0 || (!self.grown && Date.now() < self.quietUntil)) return;
      self.grown = false;
      self.wake.reset();
      const batch = yield* store.claimBatch(
        crawl,
        worker,
        concurrency,
        leaseMs,
        maxPages,
        maxAttempts,
      );
      if (batch.length === 0) self.quietUntil = Date.now() + pollMs;
      known.add(batch.map((claimed) => claimed.url));
      self.buffer.push(...batch);
    });
  }

  /** Whether no engine has anything left to do; asked once per quiet period by all workers. */
  private isExhausted(): Operation<boolean> {
    const self = this;
    const { store, crawl, maxPages, pollMs } = this.options;
    return this.refill.withLock(function* () {
      if (self.exhausted || Date.now() < self.countedUntil) return self.exhausted;
      const counts = yield* store.counts(crawl);
      const used = counts.leased + counts.done + counts.failed;
      self.exhausted = counts.leased === 0 && (counts.queued === 0 || used >= maxPages);
      self.countedUntil = Date.now() + pollMs;
      // The other idle workers end now rather than at the end of their poll interval.
      if (self.exhausted) self.wake.set();
      return self.exhausted;
    });
  }
}
