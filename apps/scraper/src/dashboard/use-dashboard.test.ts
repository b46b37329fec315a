import { createHash } from "node:crypto";
import { request as httpRequest } from "node:http";
import {
  action,
  createEvent,
  type Operation,
  sleep,
  spawn,
  suspend,
  type Task,
  until,
  withResolvers,
} from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import type { CrawlSnapshot, DashboardSource } from "./dashboard-source.js";
import { useDashboard } from "./use-dashboard.js";

interface Ticker extends DashboardSource {
  readonly pages: number;
  readonly snapshots: number;
  /** The task counting pages; it returns once stopped. */
  readonly task: Task<void>;
}

/** A source whose pages are counted by a real task, paused and stopped like a crawl. */
function* useTicker(onSnapshot?: (n: number) => Operation<void>): Operation<Ticker> {
  const running = createEvent();
  running.set();
  let pages = 0;
  let snapshots = 0;
  let paused = false;
  let stopped = false;
  const task = yield* spawn(function* () {
    for (;;) {
      yield* running.wait();
      if (stopped) return;
      pages++;
      yield* sleep(2);
    }
  });
  return {
    task,
    get pages() {
      return pages;
    },
    get snapshots() {
      return snapshots;
    },
    get paused() {
      return paused;
    },
    pause() {
      paused = true;
      running.reset();
    },
    resume() {
      paused = false;
      running.set();
    },
    stop() {
      stopped = true;
      running.set();
    },
    *snapshot(): Operation<CrawlSnapshot> {
      snapshots++;
      if (onSnapshot !== undefined) yield* onSnapshot(snapshots);
      const at = Date.now();
      return {
        name: "ticker",
        state: stopped ? "stopping" : paused ? "paused" : "running",
        paused,
        at,
        startedAt: at,
        pages,
        bytes: 0,
        retries: 0,
        statuses: { "200": pages },
        rate: [pages],
        queue: { queued: 0, leased: 0, done: pages, failed: 0, skipped: 0 },
        inFlight: {},
        errors: [],
        progress: null,
      };
    },
  };
}

/** Reads `text/event-stream` events from a fetch response body, one at a time. */
function eventReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  return function* next(): Operation<{ event: string; data: unknown }> {
    for (;;) {
      const end = buffered.indexOf("\n\n");
      if (end >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const lines = block.split("\n");
        const event = lines.find((l) => l.startsWith("event: "))?.slice(7) ?? "message";
        const data = lines
          .filter((l) => l.startsWith("data: "))
          .map((l) => l.slice(6))
          .join("\n");
        return { event, data: JSON.parse(data) };
      }
      const chunk = yield* until(reader.read());
      if (chunk.done) throw new Error("the event stream ended");
      buffered += decoder.decode(chunk.value, { stream: true });
    }
  };
}

function* openEvents(url: string) {
  const abort = new AbortController();
  const response = yield* until(fetch(`${url}events`, { signal: abort.signal }));
  return { response, abort, next: eventReader(response.body!) };
}

describe("useDashboard()", () => {
  it("serves the page with a Content-Security-Policy that admits its inline script only", function* () {
    const dashboard = yield* useDashboard({ source: yield* useTicker() });
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const response = yield* until(fetch(dashboard.url));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = yield* until(response.text());
    const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1] ?? "";
    expect(script).toContain("new EventSource");
    expect(html).not.toMatch(/<script[^>]+src=/);
    const hash = createHash("sha256").update(script).digest("base64");
    expect(response.headers.get("content-security-policy")).toContain(`'sha256-${hash}'`);
  });

  it("sends a full snapshot with the task tree first, then the totals as they grow", function* () {
    const ticker = yield* useTicker();
    const dashboard = yield* useDashboard({ source: ticker, intervalMs: 20 });
    while (ticker.pages < 5) yield* sleep(2);
    const events = yield* openEvents(dashboard.url);
    try {
      expect(events.response.headers.get("content-type")).toContain("text/event-stream");
      const first = (yield* events.next()) as {
        event: string;
        data: { crawl: CrawlSnapshot; tree: { name: string } };
      };
      expect(first.event).toBe("snapshot");
      expect(first.data.crawl.pages).toBeGreaterThanOrEqual(5);
      expect(first.data.tree.name).toBe("global");
      let later = first;
      while (later.data.crawl.pages === first.data.crawl.pages) {
        later = (yield* events.next()) as typeof first;
      }
      expect(later.data.crawl.pages).toBeGreaterThan(first.data.crawl.pages);
    } finally {
      events.abort.abort();
    }
  });

  it("halts the stream's producer when the page goes away", function* () {
    const halted = withResolvers<void>();
    const ticker = yield* useTicker(function* (n) {
      if (n < 3) return;
      try {
        yield* suspend();
      } finally {
        halted.resolve();
      }
    });
    const dashboard = yield* useDashboard({ source: ticker, intervalMs: 1 });
    const events = yield* openEvents(dashboard.url);
    yield* events.next();
    yield* events.next();
    events.abort.abort();
    // The third snapshot waits forever unless the request's task is halted.
    yield* halted.operation;
    expect(ticker.snapshots).toBe(3);
  });

  it("pauses, resumes and stops the source on POST, only with the dashboard header", function* () {
    const ticker = yield* useTicker();
    const dashboard = yield* useDashboard({ source: ticker });
    const post = (path: string, headers: Record<string, string> = { "x-skein-dashboard": "1" }) =>
      until(fetch(`${dashboard.url}${path}`, { method: "POST", headers }));

    const refused = yield* post("pause", {});
    expect(refused.status).toBe(403);
    expect(ticker.paused).toBe(false);

    const paused = yield* post("pause");
    expect(paused.status).toBe(200);
    expect(yield* until(paused.json())).toEqual({ paused: true });
    const counted = ticker.pages;
    yield* sleep(20);
    expect(ticker.pages).toBe(counted);

    expect(yield* until((yield* post("resume")).json())).toEqual({ paused: false });
    while (ticker.pages === counted) yield* sleep(2);

    expect((yield* post("stop")).status).toBe(200);
    // The ticking task returns once stopped.
    yield* ticker.task;
    expect(ticker.paused).toBe(false);
  });

  it("pushes a snapshot at once when the page pauses the crawl", function* () {
    const ticker = yield* useTicker();
    const dashboard = yield* useDashboard({ source: ticker, intervalMs: 60_000 });
    const events = yield* openEvents(dashboard.url);
    try {
      const first = (yield* events.next()) as { data: { crawl: CrawlSnapshot } };
      expect(first.data.crawl.paused).toBe(false);
      const response = yield* until(
        fetch(`${dashboard.url}pause`, { method: "POST", headers: { "x-skein-dashboard": "1" } }),
      );
      expect(response.status).toBe(200);
      // Long before the next minute's snapshot.
      const next = (yield* events.next()) as { data: { crawl: CrawlSnapshot } };
      expect(next.data.crawl.state).toBe("paused");
    } finally {
      events.abort.abort();
    }
  });

  it("refuses a request that names a host other than a loopback one", function* () {
    const dashboard = yield* useDashboard({ source: yield* useTicker() });
    const status = (host: string) =>
      action<number>((resolve, reject) => {
        const req = httpRequest(dashboard.url, { headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.once("error", reject);
        req.end();
        return () => req.destroy();
      });
    expect(yield* status("attacker.example:80")).toBe(403);
    expect(yield* status(`localhost:${dashboard.port}`)).toBe(200);
  });
});
