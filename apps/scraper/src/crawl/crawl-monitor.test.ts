import { type Operation, sleep, spawn } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import type { CrawlSnapshot } from "../dashboard/dashboard-source.js";
import { useDemoServer } from "../demo-site/use-demo-server.js";
import { createCrawlStore } from "../store/crawl-store.js";
import { useDatabase } from "../store/database.js";
import { crawl, openCrawl } from "./crawl.js";
import { type CrawlMonitor, createCrawlMonitor } from "./crawl-monitor.js";

// Starting an embedded PGlite takes a few seconds on a busy machine.
const SLOW = 60_000;

/** Polls the monitor until `done` holds, for at most `ms`. */
function* pollUntil(
  monitor: CrawlMonitor,
  done: (s: CrawlSnapshot) => boolean,
  ms = 20_000,
): Operation<CrawlSnapshot> {
  const deadline = Date.now() + ms;
  for (;;) {
    const snapshot = yield* monitor.snapshot();
    if (done(snapshot)) return snapshot;
    if (Date.now() > deadline)
      throw new Error(`not reached in ${ms} ms: ${JSON.stringify(snapshot)}`);
    yield* sleep(10);
  }
}

describe("createCrawlMonitor()", () => {
  it(
    "counts a real crawl, pauses its claiming, resumes it, and stops it with the frontier kept",
    function* () {
      const server = yield* useDemoServer({ pages: 600, slowMs: 20 });
      const store = yield* createCrawlStore(yield* useDatabase());
      // openCrawl() saves the options: the crawl below must ask for the same ones.
      const seeds = [`${server.origin}/`];
      const options = { store, name: "watched", seeds, delayMs: 5, concurrency: 4 };
      const record = yield* openCrawl(options);
      const total = server.site.expect(server.origin).statuses.size;
      const monitor = createCrawlMonitor({ store, crawl: record, total });
      const task = yield* spawn(() => crawl({ ...options, monitor }));

      const running = yield* pollUntil(monitor, (s) => s.pages >= 20);
      expect(running.state).toBe("running");
      expect(running.statuses["200"]).toBeGreaterThan(0);
      expect(running.progress?.total).toBe(total);

      monitor.pause();
      const paused = yield* pollUntil(
        monitor,
        (s) => Object.keys(s.inFlight).length === 0 && s.queue.leased === 0,
      );
      expect(paused.state).toBe("paused");
      const requests = [...server.requests.values()].reduce((a, b) => a + b, 0);
      yield* sleep(200);
      expect((yield* monitor.snapshot()).pages).toBe(paused.pages);
      expect([...server.requests.values()].reduce((a, b) => a + b, 0)).toBe(requests);

      monitor.resume();
      yield* pollUntil(monitor, (s) => s.pages > paused.pages);
      monitor.stop();
      const result = yield* task;
      monitor.close();
      const stopped = yield* monitor.snapshot();
      expect(stopped.state).toBe("stopped");
      // Pages are the whole crawl's; this engine finished every one of them that was fetched.
      const { done, failed, skipped } = stopped.queue;
      expect(stopped.pages).toBe(done + failed + skipped);
      expect(result.finished).toBeGreaterThanOrEqual(done + failed);
      expect(result.finished).toBeLessThanOrEqual(stopped.pages);
      expect(stopped.queue.leased).toBe(0);
      expect(stopped.queue.queued).toBeGreaterThan(0);
      const summary = yield* store.summary(record.id);
      expect(summary.finishedAt).toBeNull();
    },
    SLOW,
  );

  it(
    "counts in flight per host only requests holding a host slot, and starts a resumed crawl from its earlier pages",
    function* () {
      const server = yield* useDemoServer({ pages: 150, slowMs: 20 });
      const store = yield* createCrawlStore(yield* useDatabase());
      const seeds = [`${server.origin}/`];
      // 8 workers, 2 slots on the one host: 6 workers wait for a slot at any time.
      const options = { store, name: "resumed", seeds, concurrency: 8, perHost: 2, delayMs: 2 };
      const first = createCrawlMonitor({ store, crawl: yield* openCrawl(options) });
      const task = yield* spawn(() => crawl({ ...options, monitor: first }));
      let most = 0;
      const host = new URL(server.origin).host;
      yield* pollUntil(first, (s) => {
        most = Math.max(most, s.inFlight[host] ?? 0);
        return s.pages >= 40;
      });
      expect(most).toBeGreaterThan(0);
      expect(most).toBeLessThanOrEqual(2);
      first.stop();
      yield* task;
      first.close();
      const before = yield* first.snapshot();

      const record = yield* openCrawl(options);
      const earlier = yield* store.summary(record.id);
      const second = createCrawlMonitor({ store, crawl: record, earlier });
      const resumed = yield* second.snapshot();
      // Before the resumed run has finished anything: what the earlier run did, nothing less.
      expect(resumed.pages).toBe(before.pages);
      expect(resumed.statuses).toEqual(before.statuses);
      expect(resumed.bytes).toBe(before.bytes);
      yield* crawl({ ...options, monitor: second });
      second.close();
      const end = yield* second.snapshot();
      expect(end.queue).toMatchObject({ queued: 0, leased: 0 });
      expect(end.pages).toBe(end.queue.done + end.queue.failed + end.queue.skipped);
      const { skipped, ...fetched } = end.statuses;
      const total = Object.values(fetched).reduce((a, b) => a + b, 0);
      expect(total).toBe(end.queue.done + end.queue.failed);
      expect(skipped).toBe(end.queue.skipped);
    },
    SLOW,
  );
});
