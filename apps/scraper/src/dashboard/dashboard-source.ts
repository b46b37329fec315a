import type { Operation } from "@skein/core";

/**
 * One URL that ended with an error, as the dashboard lists it.
 *
 * @example
 * ```ts
 * import type { CrawlErrorEntry } from "@skein/scraper";
 *
 * const line = (e: CrawlErrorEntry) => `${new Date(e.at).toISOString()} ${e.error} ${e.url}`;
 * ```
 */
export interface CrawlErrorEntry {
  url: string;
  /** The error code the engine stored (`timeout`, `connect`, `http-500`, ...). */
  error: string;
  status: number | null;
  /** When it happened, in epoch milliseconds. */
  at: number;
}

/**
 * The live figures of one crawl at one moment: what the dashboard pushes to its page. Totals
 * count what this process finished since it started (a resumed crawl starts from 0 here; the
 * queue figures come from the store and cover the whole crawl).
 *
 * @example
 * ```ts
 * import type { CrawlSnapshot } from "@skein/scraper";
 *
 * function line(s: CrawlSnapshot): string {
 *   return `${s.pages} pages, ${s.queue.queued} queued${s.paused ? " (paused)" : ""}`;
 * }
 * ```
 */
export interface CrawlSnapshot {
  name: string;
  /**
   * `stopping`: stop was asked for and fetches in flight are finishing; `stopped`: the crawl
   * returned after a stop, its frontier kept for a resume; `finished`: it ran out of work.
   */
  state: "running" | "paused" | "stopping" | "stopped" | "finished";
  paused: boolean;
  /** Epoch milliseconds of the snapshot and of the start. */
  at: number;
  startedAt: number;
  /** URLs finished (fetched, failed or skipped) in the whole crawl, earlier runs included. */
  pages: number;
  bytes: number;
  retries: number;
  /** URLs finished per HTTP status; `error` for no response, `skipped` for robots.txt. */
  statuses: Record<string, number>;
  /** Pages finished in each of the last seconds, oldest first, the current second last. */
  rate: number[];
  /** The whole crawl's frontier, from the store. */
  queue: { queued: number; leased: number; done: number; failed: number; skipped: number };
  /** Requests on their way per host (holding a host slot; URLs waiting for one are not counted). */
  inFlight: Record<string, number>;
  /** The latest errors, newest first. */
  errors: CrawlErrorEntry[];
  /** Only for a bounded crawl: URLs finished of `total`, and the time left at the recent rate. */
  progress: { finished: number; total: number; etaMs: number | null } | null;
}

/**
 * What the dashboard needs from a crawl: its figures, and the pause, resume and stop buttons.
 * `snapshot()` is an operation because the queue figures are read from the store.
 *
 * @example
 * ```ts
 * import type { DashboardSource } from "@skein/scraper";
 *
 * function toggle(source: DashboardSource): void {
 *   if (source.paused) source.resume();
 *   else source.pause();
 * }
 * ```
 */
export interface DashboardSource {
  snapshot(): Operation<CrawlSnapshot>;
  /** Stop claiming new URLs; fetches in flight finish. */
  pause(): void;
  resume(): void;
  /** End the crawl gracefully: claim nothing more, let fetches in flight finish, report. */
  stop(): void;
  readonly paused: boolean;
}
