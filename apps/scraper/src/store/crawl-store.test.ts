import { it } from "@skein/core/test";
import { expect } from "vitest";
import { describeDatabases, useTestStore } from "../testing/test-databases.js";
import { CrawlNotFoundError } from "./crawl-not-found-error.js";
import { ATTEMPTS_EXHAUSTED } from "./crawl-store.js";

const seed = (path: string, depth = 0) => ({ url: `http://a.test${path}`, host: "a.test", depth });
const page = {
  status: 200,
  content_type: "text/html",
  title: "t",
  description: null,
  canonical: null,
  bytes: 10,
  elapsed_ms: 1,
  retries: 0,
  error: null,
  item: { ok: true },
};

// Starting an embedded PGlite takes a few seconds on a busy machine.
const SLOW = 30_000;

describeDatabases("CrawlStore", (database) => {
  it(
    "leases each queued URL to one worker only",
    function* () {
      const { store, name } = yield* useTestStore(database);
      const crawl = yield* store.open(name("c"), {}, [seed("/1"), seed("/2"), seed("/3")]);
      const a = yield* store.claimBatch(crawl.id, "a", 2, 60_000);
      const b = yield* store.claimBatch(crawl.id, "b", 5, 60_000);
      expect(a).toHaveLength(2);
      expect(b.map((u) => u.url)).toEqual(
        ["/1", "/2", "/3"]
          .map((p) => `http://a.test${p}`)
          .filter((u) => !a.some((x) => x.url === u)),
      );
      expect(yield* store.claimBatch(crawl.id, "c", 5, 60_000)).toEqual([]);
    },
    SLOW,
  );

  it(
    "records a page, its links and new URLs once, deduplicating the frontier",
    function* () {
      const { store, name } = yield* useTestStore(database);
      const crawl = yield* store.open(name("c"), {}, [seed("/")]);
      const [home] = yield* store.claimBatch(crawl.id, "w", 1, 60_000);
      const links = ["http://a.test/", "http://a.test/x", "http://a.test/x"];
      const enqueue = links.map((url) => ({ url, host: "a.test" }));
      expect(
        yield* store.complete(crawl.id, "w", home!.url, { state: "done", page, links, enqueue }),
      ).toBe(true);
      expect(yield* store.complete(crawl.id, "w", home!.url, { state: "done", page })).toBe(false);
      const next = yield* store.claimBatch(crawl.id, "w", 5, 60_000);
      expect(next.map((u) => [u.url, u.depth])).toEqual([["http://a.test/x", 1]]);
      const [stored] = yield* store.pages(crawl.id);
      expect(stored).toMatchObject({ url: "http://a.test/", status: 200, item: { ok: true } });
    },
    SLOW,
  );

  it(
    "fails a URL whose lease expired after its last allowed claim instead of leasing it again",
    function* () {
      const { store, name } = yield* useTestStore(database);
      const crawl = yield* store.open(name("c"), {}, [seed("/")]);
      yield* store.claimBatch(crawl.id, "a", 1, 0, undefined, 2);
      yield* store.claimBatch(crawl.id, "b", 1, 0, undefined, 2);
      expect(yield* store.claimBatch(crawl.id, "c", 1, 60_000, undefined, 2)).toEqual([]);
      expect(yield* store.counts(crawl.id)).toMatchObject({ leased: 0, failed: 1 });
      // Recorded, so exports and the summary show it.
      const [stored] = yield* store.pages(crawl.id);
      expect(stored).toMatchObject({
        url: "http://a.test/",
        status: null,
        error: ATTEMPTS_EXHAUSTED,
      });
    },
    SLOW,
  );

  it(
    "fails a URL whose owner died on each of its allowed claims (it looped queued forever)",
    function* () {
      const { store, name } = yield* useTestStore(database);
      const crawl = yield* store.open(name("c"), {}, [seed("/crash")]);
      for (let run = 1; run <= 3; run++) {
        const [url] = yield* store.claimBatch(crawl.id, `dead-${run}`, 1, 60_000, undefined, 3);
        expect(url?.attempts).toBe(run);
        expect(yield* store.reclaim(crawl.id, `dead-${run}`, 3)).toBe(1);
      }
      expect(yield* store.claimBatch(crawl.id, "next", 1, 60_000, undefined, 3)).toEqual([]);
      expect(yield* store.counts(crawl.id)).toMatchObject({ queued: 0, leased: 0, failed: 1 });
      const summary = yield* store.summary(crawl.id);
      expect(summary.topErrors).toEqual([{ error: ATTEMPTS_EXHAUSTED, pages: 1 }]);
      const [stored] = yield* store.pages(crawl.id);
      expect(stored).toMatchObject({ url: "http://a.test/crash", error: ATTEMPTS_EXHAUSTED });
    },
    SLOW,
  );

  it(
    "lists, recrawls and deletes crawls by name",
    function* () {
      const { store, name } = yield* useTestStore(database);
      const crawl = yield* store.open(name("l"), { seeds: ["http://a.test/"] }, [seed("/")]);
      const [home] = yield* store.claimBatch(crawl.id, "w", 1, 60_000);
      const enqueue = [{ url: "http://a.test/x", host: "a.test" }];
      yield* store.complete(crawl.id, "w", home!.url, { state: "done", page, enqueue });
      yield* store.finish(crawl.id);
      const mine = (yield* store.list()).filter((c) => c.name === name("l"));
      expect(mine).toMatchObject([{ name: name("l"), finished: 1, waiting: 1 }]);
      expect(mine[0]?.finishedAt).toBeInstanceOf(Date);
      expect((yield* store.find(name("l"))).finishedAt).toBeInstanceOf(Date);

      yield* store.recrawl(name("l"));
      expect(yield* store.counts(crawl.id)).toEqual({
        queued: 1,
        leased: 0,
        done: 0,
        failed: 0,
        skipped: 0,
      });
      expect(yield* store.pages(crawl.id)).toEqual([]);
      expect((yield* store.find(name("l"))).finishedAt).toBeNull();

      yield* store.delete(name("l"));
      expect((yield* store.list()).some((c) => c.name === name("l"))).toBe(false);
      let error: unknown;
      try {
        yield* store.delete(name("l"));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CrawlNotFoundError);
    },
    SLOW,
  );

  it(
    "reconfigures a crawl: new config saved, new seeds queued, unfinished again",
    function* () {
      const { store, name } = yield* useTestStore(database);
      const crawl = yield* store.open(name("r"), { maxPages: 1 }, [seed("/")]);
      yield* store.finish(crawl.id);
      yield* store.reconfigure(crawl.id, { maxPages: 5 }, [seed("/more")]);
      const found = yield* store.find(name("r"));
      expect(found).toMatchObject({ config: { maxPages: 5 }, finishedAt: null });
      expect((yield* store.counts(crawl.id)).queued).toBe(2);
    },
    SLOW,
  );

  it(
    "lets another worker take over an expired lease and refuses the late result",
    function* () {
      const { store, name } = yield* useTestStore(database);
      const crawl = yield* store.open(name("c"), {}, [seed("/")]);
      yield* store.claimBatch(crawl.id, "slow", 1, 0);
      const [taken] = yield* store.claimBatch(crawl.id, "fast", 1, 60_000);
      expect(taken?.attempts).toBe(2);
      expect(yield* store.complete(crawl.id, "slow", taken!.url, { state: "done", page })).toBe(
        false,
      );
      expect(yield* store.complete(crawl.id, "fast", taken!.url, { state: "done", page })).toBe(
        true,
      );
    },
    SLOW,
  );

  it(
    "puts released URLs back in the queue",
    function* () {
      const { store, name } = yield* useTestStore(database);
      const crawl = yield* store.open(name("c"), {}, [seed("/1"), seed("/2")]);
      const batch = yield* store.claimBatch(crawl.id, "w", 2, 60_000);
      yield* store.release(
        crawl.id,
        "w",
        batch.map((u) => u.url),
      );
      expect(yield* store.counts(crawl.id)).toMatchObject({ queued: 2, leased: 0 });
    },
    SLOW,
  );

  it(
    "never leases more than maxPages URLs in all",
    function* () {
      const { store, name } = yield* useTestStore(database);
      const crawl = yield* store.open(name("c"), {}, [seed("/1"), seed("/2"), seed("/3")]);
      expect(yield* store.claimBatch(crawl.id, "w", 5, 60_000, 2)).toHaveLength(2);
      expect(yield* store.claimBatch(crawl.id, "w", 5, 60_000, 2)).toHaveLength(0);
    },
    SLOW,
  );

  it(
    "throws CrawlNotFoundError for an unknown crawl",
    function* () {
      const { store, name } = yield* useTestStore(database);
      let error: unknown;
      try {
        yield* store.find(name("nope"));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CrawlNotFoundError);
      expect((error as CrawlNotFoundError).code).toBe("crawl-not-found");
    },
    SLOW,
  );
});
