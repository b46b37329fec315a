import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensure } from "@skein/core";
import { it } from "@skein/core/test";
import { expect } from "vitest";
import { crawl } from "../crawl/crawl.js";
import { useDemoServer } from "../demo-site/use-demo-server.js";
import { describeDatabases, useTestStore } from "../testing/test-databases.js";
import { exportItems, exportLinks, exportPages } from "./export-pages.js";

describeDatabases("export --items and --links", (database) => {
  it("writes the dataset as JSON lines and CSV, the link graph, and pages with depth and referrer", function* () {
    const dir = mkdtempSync(join(tmpdir(), "skein-export-"));
    yield* ensure(() => rmSync(dir, { recursive: true, force: true }));
    const server = yield* useDemoServer({ pages: 20, slowMs: 0 });
    const { store, name } = yield* useTestStore(database);
    yield* crawl({
      store,
      name: name("export"),
      seeds: [`${server.origin}/`],
      *handler(page) {
        page.push({ title: page.facts.title, "a,b": 'say "hi"' });
      },
    });
    const { id } = yield* store.find(name("export"));
    const items = yield* exportItems(store, id, "jsonl", join(dir, "items.jsonl"));
    const lines = readFileSync(join(dir, "items.jsonl"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(items);
    expect(JSON.parse(lines[0]!)).toEqual({
      url: `${server.origin}/`,
      n: 1,
      item: { title: "Skein demo site", "a,b": 'say "hi"' },
      error: null,
    });
    yield* exportItems(store, id, "csv", join(dir, "items.csv"));
    const csv = readFileSync(join(dir, "items.csv"), "utf8").split("\n");
    // jsonb keeps an object's keys shortest first.
    expect(csv[0]).toBe('url,n,error,"a,b",title');
    expect(csv[1]).toBe(`${server.origin}/,1,,"say ""hi""",Skein demo site`);

    const links = yield* exportLinks(store, id, "jsonl", join(dir, "links.jsonl"));
    const graph = readFileSync(join(dir, "links.jsonl"), "utf8").trim().split("\n");
    expect(graph).toHaveLength(links);
    const edges = graph.map((line) => JSON.parse(line) as { from: string; to: string });
    expect(edges.filter((e) => e.from === `${server.origin}/`).length).toBeGreaterThan(0);

    yield* exportPages(store, id, "jsonl", join(dir, "pages.jsonl"));
    const pages = readFileSync(join(dir, "pages.jsonl"), "utf8").trim().split("\n");
    const rows = pages.map((line) => JSON.parse(line));
    expect(rows.find((p) => p.url === `${server.origin}/`)).toMatchObject({
      depth: 0,
      referrer: null,
    });
    const first = rows.find((p) => p.referrer === `${server.origin}/` && p.status === 200);
    expect(first.depth).toBe(1);
    expect(first.link_count).toBe(edges.filter((e) => e.from === first.url).length);
  }, 60_000);
});
