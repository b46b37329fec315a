import type { Operation } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { useDemoServer } from "../demo-site/use-demo-server.js";
import { type CrawlStore, createCrawlStore } from "../store/crawl-store.js";
import { useDatabase } from "../store/database.js";
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

describe("crawl()", () => {
  it(
    "finds exactly the demo site's pages and fetches nothing robots.txt disallows",
    function* () {
      const server = yield* useDemoServer({ pages: 300, slowMs: 20 });
      const store = yield* createCrawlStore(yield* useDatabase());
      yield* crawl({ store, name: "demo", seeds: [`${server.origin}/`], retries: 3 });
      const expected = server.site.expect(server.origin);
      expect(yield* statusesOf(store, "demo")).toEqual(expected.statuses);
      const paths = [...server.requests.keys()];
      expect(paths.filter((p) => p.startsWith("/private/") || p.endsWith("print=1"))).toEqual([]);
      expect(server.requests.get("/robots.txt")).toBe(1);
      const { counts } = yield* store.summary((yield* store.find("demo")).id);
      expect(counts).toMatchObject({ queued: 0, leased: 0 });
    },
    SLOW,
  );
});
