import type { Operation } from "@skein/core";
import { it } from "@skein/core/test";
import { expect } from "vitest";
import { crawl } from "../crawl/crawl.js";
import type { CrawlStore } from "../store/crawl-store.js";
import { readItems, type StoredItem } from "../store/dataset.js";
import { describeDatabases, useTestStore } from "../testing/test-databases.js";
import { html, useFixtureSite } from "../testing/use-fixture-site.js";
import { reparse } from "./reparse.js";
import { createRouter } from "./router.js";

const SLOW = 60_000;

function* itemsOf(store: CrawlStore, crawl: number): Operation<StoredItem[]> {
  return yield* readItems(store, crawl);
}

describeDatabases("reparse()", (database) => {
  it(
    "runs a new handler over the kept pages without fetching them, replacing their items",
    function* () {
      const site = yield* useFixtureSite({
        "/": () => html(["/p/1", "/p/2", "/p/3"], "shop"),
        "/p/1": () => html([], "Kettle € 30"),
        "/p/2": () => html([], "Teapot € 12"),
        "/p/3": () => html([], "broken"),
      });
      const { store, name } = yield* useTestStore(database);
      // The crawl labels the products: reparse must hand the label back to the router.
      const first = createRouter()
        .route("product", (page) => {
          page.push({ title: page.facts.title });
        })
        .fallback((page) => {
          page.enqueue(page.facts.links, { label: "product", userData: { from: "home" } });
          page.skipLinks();
        });
      yield* crawl({
        store,
        name: name("shop"),
        seeds: [`${site.origin}/`],
        handler: first,
        keepBodies: true,
      });
      const { id } = yield* store.find(name("shop"));
      expect((yield* itemsOf(store, id)).map((i) => i.item)).toEqual([
        { title: "Kettle € 30" },
        { title: "Teapot € 12" },
        { title: "broken" },
      ]);
      const fetched = site.requests.length;

      const second = createRouter<{ product: { from: string } }>()
        .route("product", (page) => {
          const h1 = page.text("h1") ?? "";
          if (h1 === "broken") throw new Error("no price on this page");
          const [, name, price] = /^(.*) € (\d+)$/.exec(h1) ?? [];
          page.push({ name, price: Number(price), from: page.userData.from });
        })
        .fallback(() => {});
      const seen: string[] = [];
      const result = yield* reparse({
        store,
        name: name("shop"),
        handler: second,
        onPage: (event) => seen.push(new URL(event.url).pathname),
      });
      expect(site.requests.length).toBe(fetched);
      expect(seen).toEqual(["/", "/p/1", "/p/2", "/p/3"]);
      expect(result).toEqual({
        pages: 4,
        items: 2,
        failed: [{ url: `${site.origin}/p/3`, error: "no price on this page" }],
      });
      // Replaced where the handler ran; the failed page keeps what it had.
      expect((yield* itemsOf(store, id)).map((i) => i.item)).toEqual([
        { name: "Kettle", price: 30, from: "home" },
        { name: "Teapot", price: 12, from: "home" },
        { title: "broken" },
      ]);
    },
    SLOW,
  );

  it(
    "finds no kept page in a crawl that did not keep bodies",
    function* () {
      const site = yield* useFixtureSite({ "/": () => html([], "home") });
      const { store, name } = yield* useTestStore(database);
      yield* crawl({ store, name: name("plain"), seeds: [`${site.origin}/`] });
      const result = yield* reparse({
        store,
        name: name("plain"),
        handler: (page) => page.push({ url: page.url }),
      });
      expect(result).toEqual({ pages: 0, items: 0, failed: [] });
    },
    SLOW,
  );
});
