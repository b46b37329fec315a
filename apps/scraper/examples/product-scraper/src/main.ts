// A product scraper on @skein/scraper: the fallback route reads category listings and enqueues
// product pages with the label "product"; the product route pushes one item per product,
// checked by an item schema. Run from the packed packages with plain node (see .ci/run).
import process from "node:process";
import { main } from "@skein/core";
import { crawl, createCrawlStore, createRouter, readItems, useDatabase } from "@skein/scraper";
import { PRODUCTS, useShop } from "./shop.js";

interface Product {
  name: string | undefined;
  price: number;
  category: string;
}

const router = createRouter<{ product: { category: string } }>()
  .route(
    "product",
    function* (page) {
      const product: Product = {
        name: page.text("h1"),
        price: Number(page.selectOne(".price")?.attribs["data-price"] ?? Number.NaN),
        category: page.userData.category,
      };
      page.push(product);
      page.skipLinks();
    },
    { timeoutMs: 5_000 },
  )
  .fallback(function* (page) {
    const category = page.text("h1") ?? "";
    const products = page.select("a.product").map((a) => a.attribs.href ?? "");
    page.enqueue(products, { label: "product", userData: { category } });
  });

// The Postgres server of PGHOST (as in CI), or a throw-away embedded database.
const env = process.env;
const database =
  env.PGHOST === undefined
    ? "memory://"
    : `postgres://${env.PGUSER ?? "postgres"}@${env.PGHOST}:${env.PGPORT ?? 5432}/${env.PGDATABASE ?? "postgres"}`;

await main(function* () {
  const origin = yield* useShop();
  const store = yield* createCrawlStore(yield* useDatabase(database));
  const result = yield* crawl({
    store,
    // A server keeps earlier runs' crawls: each run crawls afresh.
    name: `shop-${Date.now()}`,
    seeds: [`${origin}/`],
    handler: router,
    itemSchema: (item) => Number.isFinite((item as Product).price) || "price must be a number",
  });
  const items = yield* readItems(store, result.crawl.id);
  for (const { url, item, error } of items) console.log(url, JSON.stringify(item), error ?? "");
  const valid = items.filter((row) => row.error === null);
  const invalid = items.filter((row) => row.error !== null);
  if (items.length !== PRODUCTS.length || invalid.length !== 1) {
    throw new Error(`expected ${PRODUCTS.length} items, one invalid; got ${items.length}`);
  }
  console.log(`ok: ${valid.length} products, ${invalid.length} refused by the schema`);
});
