import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { it } from "@skein/core/test";
import { describe, expect } from "vitest";
import { useDemoServer } from "../src/demo-site/use-demo-server.js";
import { runCli } from "./use-cli.js";
import { useTempDir } from "./use-temp-dir.js";

describe("skein-scrape reparse", () => {
  it("crawls with a handler module and kept bodies, then reruns another handler over them without fetching", function* () {
    const dir = yield* useTempDir("skein-scrape-reparse-");
    const db = join(dir, "data");
    const first = join(dir, "first.mjs");
    const second = join(dir, "second.mjs");
    // --extractor takes a module with a "handler" export: the library's handler API.
    writeFileSync(
      first,
      "export function handler(page) { page.push({ title: page.facts.title }); }\n",
    );
    writeFileSync(
      second,
      "export default function (page) { page.push({ heading: page.text('h1'), depth: page.depth }); }\n",
    );
    const server = yield* useDemoServer({ pages: 15, slowMs: 0 });
    const seed = `${server.origin}/`;
    const crawled = yield* runCli([
      "crawl",
      seed,
      "--name",
      "shop",
      "--db",
      db,
      "--keep-bodies",
      "--extractor",
      first,
      "--max-pages",
      "8",
    ]);
    expect(crawled.code, crawled.stderr).toBe(0);
    const fetched = [...server.requests.values()].reduce((a, b) => a + b, 0);

    const reparsed = yield* runCli(["reparse", "shop", "--handler", second, "--db", db, "--json"]);
    expect(reparsed.code, reparsed.stderr).toBe(0);
    const result = JSON.parse(reparsed.stdout);
    expect([...server.requests.values()].reduce((a, b) => a + b, 0)).toBe(fetched);
    expect(result.pages).toBeGreaterThan(0);
    expect(result.items).toBe(result.pages);
    expect(result.failed).toEqual([]);

    const out = join(dir, "items.jsonl");
    const exported = yield* runCli(["export", "shop", "--items", "--out", out, "--db", db]);
    expect(exported.code, exported.stderr).toBe(0);
    const items = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line).item);
    expect(items).toHaveLength(result.items);
    for (const item of items) {
      expect(Object.keys(item).sort()).toEqual(["depth", "heading"]);
      expect(typeof item.depth).toBe("number");
    }
  }, 240_000);

  it("prints one line and exits 2 for a reparse it cannot run, opening no database", function* () {
    const dir = yield* useTempDir("skein-scrape-reparse-");
    const db = join(dir, "data");
    const cases: [string[], string][] = [
      [["reparse", "shop", "--db", db], "--handler"],
      [["reparse", "--handler", "h.mjs", "--db", db], "reparse needs the name"],
      [["reparse", "shop", "--handler", "/nonexistent/h.mjs", "--db", db], "no such file"],
    ];
    for (const [args, named] of cases) {
      const run = yield* runCli(args);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      const lines = run.stderr.trimEnd().split("\n");
      expect(lines, run.stderr).toHaveLength(1);
      expect(lines[0]).toContain(named);
    }
    expect(existsSync(db)).toBe(false);
  }, 240_000);
});
