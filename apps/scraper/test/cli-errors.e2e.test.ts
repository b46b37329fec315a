import { existsSync } from "node:fs";
import { join } from "node:path";
import { it } from "@skein/core/test";
import { describe, expect } from "vitest";
import { runCli } from "./use-cli.js";
import { useTempDir } from "./use-temp-dir.js";

describe("skein-scrape errors", () => {
  it("prints one line and exits 2 for bad arguments, 1 for runtime failures, writing nothing", function* () {
    const dir = yield* useTempDir("skein-scrape-errors-");
    const db = join(dir, "data");
    const cases: [string[], number, string][] = [
      [["crawl", "http://127.0.0.1:9/", "--concurrency", "0", "--db", db], 2, "--concurrency"],
      [["crawl", "example.com", "--db", db], 2, "did you mean https://example.com/?"],
      [["crawl", "http://127.0.0.1:9/", "--db", "mysql://db/crawls"], 2, "mysql://"],
      [["crawl", "http://127.0.0.1:9/", "--out", "/nonexistent/p.jsonl", "--db", db], 2, "--out"],
      [["crawl", "http://127.0.0.1:9/", "--db", "/proc/nope/dir"], 1, "/proc/nope/dir"],
      [["frobnicate"], 2, "unknown command"],
    ];
    for (const [args, code, named] of cases) {
      const run = yield* runCli(args);
      expect({ args, code: run.code }).toEqual({ args, code });
      const lines = run.stderr.trimEnd().split("\n");
      expect(lines, run.stderr).toHaveLength(1);
      expect(lines[0]).toContain(named);
      expect(run.stderr).not.toMatch(/^\s+at /m);
    }
    // None of them opened the database, so none created a crawl.
    expect(existsSync(db)).toBe(false);
    // An unknown name is a runtime error, and creates no crawl either.
    const missing = yield* runCli(["crawl", "--name", "typo", "--db", db]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(
      'skein-scrape crawl: no crawl named "typo" in this database',
    );
    const list = yield* runCli(["list", "--db", db, "--json"]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([]);
  }, 240_000);
});
