import { all, createEvent, type Operation, spawn } from "@skein/core";
import { it } from "@skein/core/test";
import { expect } from "vitest";
import { useDemoServer } from "../demo-site/use-demo-server.js";
import type { CrawlStore } from "../store/crawl-store.js";
import { fetchedTwice } from "../testing/fetched-twice.js";
import { describeDatabases, useTestStore } from "../testing/test-databases.js";
import { crawl } from "./crawl.js";

// Starting an embedded PGlite takes a few seconds on a busy machine.
const SLOW = 60_000;

function* statusesOf(store: CrawlStore, name: string): Operation<Map<string, number | null>> {
  const { id } = yield* store.find(name);
  const statuses = new Map<string, number | null>();
  for (let after = ""; ; ) {
    const rows = yield* store.pages(id, after);
    if (rows.length === 0) return statuses;
    for (const row of rows) statuses.set(row.url, row.status);
    after = rows[rows.length - 1]!.url;
  }
}

describeDatabases("crawl()", (database) => {
  it(
    "finds exactly the demo site's pages and fetches nothing robots.txt disallows",
    function* () {
      const server = yield* useDemoServer({ pages: 300, slowMs: 20 });
      const { store, name } = yield* useTestStore(database);
      yield* crawl({ store, name: name("demo"), seeds: [`${server.origin}/`], retries: 3 });
      const expected = server.site.expect(server.origin);
      expect(yield* statusesOf(store, name("demo"))).toEqual(expected.statuses);
      const paths = [...server.requests.keys()];
      expect(paths.filter((p) => p.startsWith("/private/") || p.endsWith("print=1"))).toEqual([]);
      expect(server.requests.get("/robots.txt")).toBe(1);
      const { counts } = yield* store.summary((yield* store.find(name("demo"))).id);
      expect(counts).toMatchObject({ queued: 0, leased: 0 });
    },
    SLOW,
  );

  it(
    "splits the work between two engines on one database without fetching a URL twice",
    function* () {
      const server = yield* useDemoServer({ pages: 200, slowMs: 5 });
      const { store, name } = yield* useTestStore(database);
      const options = { store, name: name("shared"), seeds: [`${server.origin}/`], concurrency: 4 };
      const [a, b] = yield* all([
        crawl({ ...options, worker: "a" }),
        crawl({ ...options, worker: "b" }),
      ]);
      const expected = server.site.expect(server.origin);
      expect(yield* statusesOf(store, name("shared"))).toEqual(expected.statuses);
      expect(a.finished).toBeGreaterThan(0);
      expect(b.finished).toBeGreaterThan(0);
      expect(a.finished + b.finished).toBe(expected.statuses.size);
      expect(server.requests.get("/robots.txt")).toBe(2);
      expect(fetchedTwice(server)).toEqual([]);
    },
    SLOW,
  );

  it(
    "leaves no URL leased when halted, and a resumed crawl ends with the same result",
    function* () {
      const server = yield* useDemoServer({ pages: 200, slowMs: 5 });
      const { store, name } = yield* useTestStore(database);
      const options = { store, name: name("resume"), seeds: [`${server.origin}/`], concurrency: 8 };
      const enough = createEvent();
      let pages = 0;
      const first = yield* spawn(() =>
        crawl({
          ...options,
          onPage() {
            if (++pages === 60) enough.set();
          },
        }),
      );
      yield* enough.wait();
      yield* first.halt();
      const { id } = yield* store.find(name("resume"));
      const halted = yield* store.counts(id);
      expect(halted.leased).toBe(0);
      expect(halted.queued).toBeGreaterThan(0);
      yield* crawl(options);
      const expected = server.site.expect(server.origin);
      expect(yield* statusesOf(store, name("resume"))).toEqual(expected.statuses);
      expect(yield* store.counts(id)).toMatchObject({ queued: 0, leased: 0 });
    },
    SLOW,
  );
});
