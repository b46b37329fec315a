import { it } from "@skein/core/test";
import { expect } from "vitest";
import { crawl } from "../crawl/crawl.js";
import { describeDatabases, useTestStore } from "../testing/test-databases.js";
import { html, useFixtureSite } from "../testing/use-fixture-site.js";

const SLOW = 60_000;

describeDatabases("crawl({ extractor })", (database) => {
  it(
    "stores what it returns as the page's item, and fails a page it throws on or hangs on alone",
    function* () {
      const site = yield* useFixtureSite({
        "/": () => html(["/fine", "/throws", "/hangs"], "home"),
        "/fine": () => html([], "fine"),
        "/throws": () => html([], "throws"),
        "/hangs": () => html([], "hangs"),
      });
      const { store, name } = yield* useTestStore(database);
      yield* crawl({
        store,
        name: name("x"),
        seeds: [`${site.origin}/`],
        handlerTimeoutMs: 300,
        async extractor({ url, facts }) {
          if (facts.title === "throws") throw new Error("no price\nsecond line");
          // An extractor runs as a handler does: within the handler timeout.
          if (facts.title === "hangs") await new Promise(() => {});
          return { url, title: facts.title };
        },
      });
      const pages = new Map(
        (yield* store.pages((yield* store.find(name("x"))).id)).map((page) => [
          new URL(page.url).pathname,
          page,
        ]),
      );
      expect(pages.get("/fine")).toMatchObject({
        error: null,
        item: { url: `${site.origin}/fine`, title: "fine" },
      });
      expect(pages.get("/throws")).toMatchObject({ error: "extractor: no price", item: null });
      expect(pages.get("/hangs")?.error).toMatch(/^extractor: /);
      expect(pages.get("/hangs")?.item).toBeNull();
    },
    SLOW,
  );
});
