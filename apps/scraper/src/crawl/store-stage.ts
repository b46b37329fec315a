import type { Operation } from "@skein/core";
import type { ClaimedUrl, Completion, CrawlStore } from "../store/crawl-store.js";
import type { PageEvent } from "./crawl-options.js";
import type { KnownUrls } from "./known-urls.js";
import { WriteBehind } from "./write-behind.js";

/** Internal to the crawl. What the store stage writes with, and whom it tells. */
export interface StoreStageOptions {
  store: CrawlStore;
  crawl: number;
  worker: string;
  concurrency: number;
  known: KnownUrls;
  /** After each write: its pages' links are in the frontier now. */
  written(): void;
  /** Each page whose write committed (while this worker still held its lease). */
  finished(event: PageEvent): void;
}

/**
 * Internal to the crawl. The store stage: completions are written behind, several to a
 * statement (see {@link WriteBehind}); a page counts as finished once its write committed.
 */
export class StoreStage {
  private readonly writes: WriteBehind<{ url: string; outcome: Completion; event: PageEvent }>;

  constructor(options: StoreStageOptions) {
    const { store, crawl, worker, known } = options;
    this.writes = new WriteBehind({
      maxBatch: Math.max(8, Math.min(64, options.concurrency)),
      intervalMs: 20,
      *write(batch) {
        const owned = new Set(yield* store.completeMany(crawl, worker, batch));
        options.written();
        for (const { url, outcome, event } of batch) {
          if (!owned.has(url)) continue;
          if (outcome.enqueue !== undefined) known.add(outcome.enqueue.map((found) => found.url));
          options.finished(event);
        }
      },
    });
  }

  /** Completions not written yet. */
  get size(): number {
    return this.writes.size;
  }

  /** Queue the outcome of `url` for writing. */
  add(url: ClaimedUrl, outcome: Completion): Operation<void> {
    const event: PageEvent = {
      url: url.url,
      state: outcome.state,
      status: outcome.page?.status ?? null,
      error: outcome.page?.error ?? null,
      bytes: outcome.page?.bytes ?? 0,
      retries: outcome.page?.retries ?? 0,
    };
    return this.writes.add({ url: url.url, outcome, event });
  }

  /** Write everything queued. */
  flush(): Operation<void> {
    return this.writes.flush();
  }

  /** Write what has waited long enough, until halted. */
  run(): Operation<never> {
    return this.writes.run();
  }
}
