import { createEvent, type Operation } from "@skein/core";
import type {
  CrawlErrorEntry,
  CrawlSnapshot,
  DashboardSource,
} from "../dashboard/dashboard-source.js";
import type { CrawlRecord, CrawlStore, CrawlSummary } from "../store/crawl-store.js";
import type { PageEvent } from "./crawl-options.js";

/**
 * How to watch one crawl. `total` is the number of URLs the crawl will have finished (done or
 * failed) when it ends, if known: `maxPages`, or what a demo site predicts. It turns on the
 * progress bar and the ETA.
 *
 * @example
 * ```ts
 * import type { CrawlMonitorOptions, CrawlRecord, CrawlStore } from "@skein/scraper";
 *
 * declare const store: CrawlStore;
 * declare const crawl: CrawlRecord;
 * const options: CrawlMonitorOptions = { store, crawl, total: 500 };
 * ```
 */
export interface CrawlMonitorOptions {
  store: CrawlStore;
  crawl: CrawlRecord;
  total?: number;
  /**
   * What earlier runs of a resumed crawl finished (`store.summary()` before it goes on): the
   * statuses, bytes and retries shown start from it, so that they agree with the page count
   * and the queue, which are the whole crawl's.
   */
  earlier?: CrawlSummary;
}

/**
 * The live state of a crawl, fed by the engine (`crawl({ monitor })`) and read by the
 * dashboard: it is the {@link DashboardSource} of one crawl, plus the hooks the engine calls.
 *
 * @example
 * ```ts
 * import type { CrawlMonitor } from "@skein/scraper";
 *
 * function describe(monitor: CrawlMonitor): string {
 *   return monitor.stopped ? "stopped" : monitor.paused ? "paused" : "running";
 * }
 * ```
 */
export interface CrawlMonitor extends DashboardSource {
  /** Whether `stop()` was called: the engine claims nothing more and returns. */
  readonly stopped: boolean;
  /** For the engine, before it claims URLs: returns once the crawl is not paused. */
  whileRunning(): Operation<void>;
  /**
   * For the engine: a request to `host` is on its way (its host slot taken, not waiting for
   * one), until {@link CrawlMonitor.ended}.
   */
  began(host: string): void;
  ended(host: string): void;
  /** For the engine: one URL finished. */
  finished(event: PageEvent): void;
  /** The crawl returned: its state becomes `finished` (or `stopped`). */
  close(): void;
}

const SECONDS_SHOWN = 60;
const ERRORS_SHOWN = 20;

/**
 * Create the monitor of one crawl; pass it to `crawl({ monitor })` and to `useDashboard()`.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { crawl, createCrawlMonitor, createCrawlStore, openCrawl, useDatabase } from "@skein/scraper";
 *
 * await run(function* () {
 *   const store = yield* createCrawlStore(yield* useDatabase("memory://"));
 *   const options = { store, name: "example", seeds: ["https://example.com/"], maxPages: 50 };
 *   const monitor = createCrawlMonitor({ store, crawl: yield* openCrawl(options), total: 50 });
 *   yield* crawl({ ...options, monitor });
 *   console.log((yield* monitor.snapshot()).pages);
 * });
 * ```
 *
 * @param options - see {@link CrawlMonitorOptions}
 * @returns a monitor in the `running` state
 */
export function createCrawlMonitor(options: CrawlMonitorOptions): CrawlMonitor {
  const { store, crawl, total, earlier } = options;
  const running = createEvent();
  running.set();
  const startedAt = Date.now();
  const perSecond = new Map<number, number>();
  const statuses: Record<string, number> = {};
  const inFlight = new Map<string, number>();
  const errors: CrawlErrorEntry[] = [];
  let paused = false;
  let stopped = false;
  let closed = false;
  let bytes = earlier?.bytes ?? 0;
  let retries = earlier?.retries ?? 0;
  for (const { status, pages } of earlier?.statuses ?? []) statuses[status] = pages;

  function rate(now: number): number[] {
    const current = Math.floor(now / 1000);
    const first = Math.max(Math.floor(startedAt / 1000), current - SECONDS_SHOWN);
    const series: number[] = [];
    for (let s = first; s <= current; s++) series.push(perSecond.get(s) ?? 0);
    return series;
  }

  function state(): CrawlSnapshot["state"] {
    if (closed) return stopped ? "stopped" : "finished";
    if (stopped) return "stopping";
    return paused ? "paused" : "running";
  }

  return {
    get paused() {
      return paused;
    },
    get stopped() {
      return stopped;
    },
    pause() {
      if (stopped || closed) return;
      paused = true;
      running.reset();
    },
    resume() {
      paused = false;
      running.set();
    },
    stop() {
      stopped = true;
      paused = false;
      running.set();
    },
    whileRunning: () => running.wait(),
    began(host) {
      inFlight.set(host, (inFlight.get(host) ?? 0) + 1);
    },
    ended(host) {
      const n = (inFlight.get(host) ?? 0) - 1;
      if (n > 0) inFlight.set(host, n);
      else inFlight.delete(host);
    },
    finished(event) {
      const now = Date.now();
      const second = Math.floor(now / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
      perSecond.delete(second - SECONDS_SHOWN - 1);
      bytes += event.bytes;
      retries += event.retries;
      const key =
        event.state === "skipped"
          ? "skipped"
          : event.status === null
            ? "error"
            : String(event.status);
      statuses[key] = (statuses[key] ?? 0) + 1;
      if (event.error !== null) {
        errors.unshift({ url: event.url, error: event.error, status: event.status, at: now });
        errors.length = Math.min(errors.length, ERRORS_SHOWN);
      }
    },
    close() {
      closed = true;
      running.set();
    },
    *snapshot() {
      const queue = yield* store.counts(crawl.id);
      const at = Date.now();
      const series = rate(at);
      let progress: CrawlSnapshot["progress"] = null;
      if (total !== undefined) {
        const finished = queue.done + queue.failed;
        const recent = series.slice(0, -1).slice(-10);
        const perSec = recent.length === 0 ? 0 : recent.reduce((a, b) => a + b, 0) / recent.length;
        const left = Math.max(0, total - finished);
        const etaMs = left === 0 ? 0 : perSec > 0 ? Math.round((left / perSec) * 1000) : null;
        progress = { finished, total, etaMs };
      }
      return {
        name: crawl.name,
        state: state(),
        paused,
        at,
        startedAt,
        // The whole crawl's, like the queue: earlier runs, and links robots.txt disallows
        // (recorded as skipped without a visit), included.
        pages: queue.done + queue.failed + queue.skipped,
        bytes,
        retries,
        statuses: { ...statuses, ...(queue.skipped > 0 ? { skipped: queue.skipped } : {}) },
        rate: series,
        queue,
        inFlight: Object.fromEntries(inFlight),
        errors: [...errors],
        progress,
      };
    },
  };
}
