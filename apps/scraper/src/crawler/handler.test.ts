import { createEvent, type Operation, spawn } from "@skein/core";
import { it } from "@skein/core/test";
import { sql } from "@skein/postgres";
import { expect } from "vitest";
import { crawl } from "../crawl/crawl.js";
import { useDemoServer } from "../demo-site/use-demo-server.js";
import type { CrawlStore } from "../store/crawl-store.js";
import { readItems, type StoredItem } from "../store/dataset.js";
import { describeDatabases, useTestStore } from "../testing/test-databases.js";
import { createRouter } from "./router.js";

const SLOW = 60_000;

function* itemsOf(store: CrawlStore, name: string): Operation<StoredItem[]> {
  const { id } = yield* store.find(name);
  const all: StoredItem[] = [];
  for (let after = { url: "", n: 0 }; ; ) {
    const rows = yield* readItems(store, id, after);
    if (rows.length === 0) return all;
    all.push(...rows);
    after = rows[rows.length - 1]!;
  }
}

/** Seeds and their links go to the fallback, which labels every link it enqueues "page". */
function productRouter(origin: string) {
  return createRouter<{ page: { from: string } }>()
    .route("page", function* (page) {
      page.push({ url: page.url, title: page.facts.title, from: page.userData.from });
      page.skipLinks();
      page.enqueue(page.facts.links, { label: "page", userData: { from: page.url } });
    })
    .fallback(function* (page) {
      page.push({ url: page.url, title: page.facts.title, from: null });
      page.skipLinks();
      page.enqueue(page.facts.links, { label: "page", userData: { from: page.url } });
      expect(page.url).toBe(`${origin}/`);
    });
}

describeDatabases("crawl({ handler })", (database) => {
  it(
    "routes by label, and an interrupted and resumed crawl neither loses nor repeats an item",
    function* () {
      const server = yield* useDemoServer({ pages: 120, slowMs: 5 });
      const { store, name } = yield* useTestStore(database);
      const seeds = [`${server.origin}/`];
      const handler = productRouter(server.origin);
      // The same crawl uninterrupted, for the items a crawl must end with.
      yield* crawl({ store, name: name("whole"), seeds, handler, concurrency: 8 });
      const whole = yield* itemsOf(store, name("whole"));
      expect(whole.length).toBeGreaterThan(100);

      const options = { store, name: name("resumed"), seeds, handler, concurrency: 8 };
      const enough = createEvent();
      let pages = 0;
      const first = yield* spawn(() =>
        crawl({
          ...options,
          onPage() {
            if (++pages === 40) enough.set();
          },
        }),
      );
      yield* enough.wait();
      yield* first.halt();
      const halfway = yield* itemsOf(store, name("resumed"));
      expect(halfway.length).toBeGreaterThanOrEqual(40);
      expect(halfway.length).toBeLessThan(whole.length);
      yield* crawl(options);
      const resumed = yield* itemsOf(store, name("resumed"));
      // Which page enqueued a URL first (its `from`) depends on timing; the rest may not.
      const bare = (rows: StoredItem[]) =>
        rows.map(({ item, ...row }) => ({ ...row, title: (item as { title: string }).title }));
      expect(bare(resumed)).toEqual(bare(whole));
      expect(new Set(resumed.map((row) => row.url)).size).toBe(resumed.length);
      // Every item but the seed's names the page that enqueued it, which linked to it.
      const { id } = yield* store.find(name("resumed"));
      const referrers = yield* store.db.query<{ url: string; referrer: string | null }>(
        sql`select url, referrer from pages where crawl = ${id} and status = 200`,
      );
      const byUrl = new Map(referrers.map((row) => [row.url, row.referrer]));
      for (const { url, item } of resumed) {
        expect((item as { from: string | null }).from).toBe(byUrl.get(url) ?? null);
      }
    },
    SLOW * 2,
  );

  it(
    "gives a URL the label it was enqueued with although the page's links are followed too",
    function* () {
      const server = yield* useDemoServer({ pages: 30, slowMs: 0 });
      const { store, name } = yield* useTestStore(database);
      const labels = new Map<string, string | undefined>();
      yield* crawl({
        store,
        name: name("labelled"),
        seeds: [`${server.origin}/`],
        *handler(page) {
          labels.set(page.url, page.label);
          // No skipLinks(): the same links are followed without a label as well.
          page.enqueue(page.facts.links, { label: "linked" });
        },
      });
      expect(labels.size).toBeGreaterThan(20);
      const unlabelled = [...labels].filter(([, label]) => label === undefined);
      expect(unlabelled).toEqual([[`${server.origin}/`, undefined]]);
    },
    SLOW,
  );

  it(
    "fails only the page whose handler throws or times out, storing the message, and records invalid items",
    function* () {
      const server = yield* useDemoServer({ pages: 30, slowMs: 5 });
      const { store, name } = yield* useTestStore(database);
      yield* crawl({
        store,
        name: name("failing"),
        seeds: [`${server.origin}/`],
        handlerTimeoutMs: 200,
        itemSchema: (item) =>
          typeof (item as { title?: unknown }).title === "string" || "title must be a string",
        *handler(page) {
          if (page.url.endsWith("/p/3")) throw new Error("no price on /p/3");
          if (page.url.endsWith("/p/4")) yield* createEvent().wait(); // never ends
          page.push({ title: page.url.endsWith("/p/5") ? 5 : page.text("title") });
          // The selector helper reads the same document the crawler extracted facts from.
          expect(page.select("a[href]").length).toBeGreaterThan(0);
          expect(page.selectOne("title")?.name).toBe("title");
        },
      });
      const { id } = yield* store.find(name("failing"));
      const rows = yield* store.db.query<{ url: string; error: string | null; msg: string | null }>(
        sql`select url, error, error_message as msg from pages
            where crawl = ${id} and error = 'handler' order by url`,
      );
      expect(rows.map((row) => [new URL(row.url).pathname, row.msg])).toEqual([
        ["/p/3", "no price on /p/3"],
        ["/p/4", "operation timed out after 200ms"],
      ]);
      const items = yield* itemsOf(store, name("failing"));
      expect(items.filter((row) => row.url.endsWith("/p/3") || row.url.endsWith("/p/4"))).toEqual(
        [],
      );
      const invalid = items.filter((row) => row.error !== null);
      expect(invalid).toEqual([
        { url: `${server.origin}/p/5`, n: 1, item: { title: 5 }, error: "title must be a string" },
      ]);
      expect(items.length).toBeGreaterThan(20);
      expect((yield* store.counts(id)).queued).toBe(0);
    },
    SLOW,
  );
});
