import type { Operation } from "@skein/core";
import { it } from "@skein/core/test";
import { expect } from "vitest";
import { useDemoServer } from "../demo-site/use-demo-server.js";
import { CrawlNotFoundError } from "../store/crawl-not-found-error.js";
import { describeDatabases, useTestStore } from "../testing/test-databases.js";
import { crawl } from "./crawl.js";
import { CrawlConfigConflictError } from "./crawl-config-conflict-error.js";
import { InvalidCrawlOptionError } from "./invalid-crawl-option-error.js";

const SLOW = 60_000;

/** What `operation` threw, or undefined. */
function* caught(operation: Operation<unknown>): Operation<unknown> {
  try {
    yield* operation;
  } catch (error) {
    return error;
  }
  return undefined;
}

describeDatabases("resuming a crawl by name", (database) => {
  it(
    "re-applies the saved scope and limits (a resume by name used to drop them)",
    function* () {
      const server = yield* useDemoServer({ pages: 200 });
      const { store, name } = yield* useTestStore(database);
      const exclude = [`${server.origin}/missing/*`];
      yield* crawl({ store, name: name("r"), seeds: [`${server.origin}/`], maxPages: 12, exclude });
      const before = new Map(server.requests);
      // Only the name: the seeds, the page budget and the exclusion come from the saved config.
      const resumed = yield* crawl({ store, name: name("r"), seeds: [] });
      expect(resumed.finished).toBe(0);
      expect(new Map(server.requests)).toEqual(before);
      const { id } = yield* store.find(name("r"));
      const pages = yield* store.pages(id);
      expect(pages.length).toBeLessThanOrEqual(12);
      expect(pages.filter((p) => p.url.includes("/missing/"))).toEqual([]);
    },
    SLOW,
  );

  it(
    "refuses an option that conflicts with the saved one, naming both values, and writes nothing",
    function* () {
      const server = yield* useDemoServer({ pages: 50 });
      const { store, name } = yield* useTestStore(database);
      const seeds = [`${server.origin}/`];
      yield* crawl({ store, name: name("c"), seeds, maxPages: 5 });
      const requests = new Map(server.requests);
      const error = (yield* caught(crawl({ store, name: name("c"), seeds, maxPages: 50 }))) as
        | CrawlConfigConflictError
        | undefined;
      expect(error).toBeInstanceOf(CrawlConfigConflictError);
      expect(error).toMatchObject({
        code: "crawl-config-conflict",
        option: "maxPages",
        saved: 5,
        given: 50,
      });
      expect(error?.message).toContain("5");
      expect(error?.message).toContain("50");
      const other = (yield* caught(
        crawl({ store, name: name("c"), seeds: [`${server.origin}/p/3`] }),
      )) as CrawlConfigConflictError;
      expect(other).toMatchObject({ option: "seeds", saved: seeds.map((s) => `${s}`) });
      expect(new Map(server.requests)).toEqual(requests);
      expect((yield* store.find(name("c"))).config).toMatchObject({ maxPages: 5 });
    },
    SLOW,
  );

  it(
    "changes the saved options with reconfigure and goes on from where it stopped",
    function* () {
      const server = yield* useDemoServer({ pages: 50 });
      const { store, name } = yield* useTestStore(database);
      const seeds = [`${server.origin}/`];
      yield* crawl({ store, name: name("g"), seeds, maxPages: 5 });
      const more = yield* crawl({
        store,
        name: name("g"),
        seeds: [],
        maxPages: 9,
        reconfigure: true,
      });
      expect(more.finished).toBeGreaterThan(0);
      const record = yield* store.find(name("g"));
      expect(record.config).toMatchObject({ maxPages: 9 });
      const counts = yield* store.counts(record.id);
      expect(counts.done + counts.failed).toBe(9);
    },
    SLOW,
  );

  it(
    "fails on an unknown name without seeds, and on a bad option before creating the crawl",
    function* () {
      const { store, name } = yield* useTestStore(database);
      const missing = yield* caught(crawl({ store, name: name("typo"), seeds: [] }));
      expect(missing).toBeInstanceOf(CrawlNotFoundError);
      const bad = yield* caught(
        crawl({ store, name: name("bad"), seeds: ["http://127.0.0.1:9/"], concurrency: 0 }),
      );
      expect(bad).toMatchObject({ code: "invalid-crawl-option", option: "concurrency", value: 0 });
      expect(bad).toBeInstanceOf(InvalidCrawlOptionError);
      const regex = yield* caught(
        crawl({ store, name: name("bad"), seeds: ["http://127.0.0.1:9/"], include: ["/(/"] }),
      );
      expect(regex).toMatchObject({ code: "invalid-crawl-option", value: "/(/" });
      const header = yield* caught(
        crawl({
          store,
          name: name("bad"),
          seeds: ["http://127.0.0.1:9/"],
          headers: { "a b": "1" },
        }),
      );
      expect(header).toMatchObject({
        code: "invalid-crawl-option",
        option: "headers",
        value: "a b",
      });
      const cookie = yield* caught(
        crawl({ store, name: name("bad"), seeds: ["http://127.0.0.1:9/"], cookies: { s: "a;b" } }),
      );
      expect(cookie).toMatchObject({
        code: "invalid-crawl-option",
        option: "cookies",
        value: "a;b",
      });
      expect((yield* store.list()).filter((c) => c.name.startsWith(name("")))).toEqual([]);
    },
    SLOW,
  );

  it(
    "resumes with the same cookies given in another order (jsonb reorders object keys)",
    function* () {
      const server = yield* useDemoServer({ pages: 20 });
      const { store, name } = yield* useTestStore(database);
      const seeds = [`${server.origin}/`];
      const cookies = { session: "abc", lang: "en" };
      yield* crawl({ store, name: name("k"), seeds, cookies, maxPages: 3 });
      const reordered = { lang: "en", session: "abc" };
      const resumed = yield* caught(crawl({ store, name: name("k"), seeds, cookies: reordered }));
      expect(resumed).toBeUndefined();
      const changed = yield* caught(
        crawl({ store, name: name("k"), seeds, cookies: { ...cookies, lang: "fr" } }),
      );
      expect(changed).toMatchObject({ code: "crawl-config-conflict", option: "cookies" });
    },
    SLOW,
  );
});
