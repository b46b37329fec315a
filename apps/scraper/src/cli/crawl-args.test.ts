import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CRAWL_OPTIONS, parseCrawlArgs } from "./crawl-args.js";
import { UsageError } from "./usage-error.js";

const dir = mkdtempSync(join(tmpdir(), "skein-scrape-args-"));
writeFileSync(join(dir, "extract.mjs"), "export default () => 1;\n");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const URL = "http://127.0.0.1:9/";

/** Every bad value of every option that takes one: the option and the value must be named. */
const BAD: [args: string[], names: string[]][] = [
  [
    ["--concurrency", "0"],
    ["--concurrency", '"0"'],
  ],
  [
    ["--concurrency", "-1"],
    ["--concurrency", '"-1"'],
  ],
  [
    ["--concurrency", "lots"],
    ["--concurrency", '"lots"'],
  ],
  [
    ["--per-host", "0"],
    ["--per-host", '"0"'],
  ],
  [
    ["--delay", "-5"],
    ["--delay", '"-5"'],
  ],
  [
    ["--delay", "1.5"],
    ["--delay", '"1.5"'],
  ],
  [
    ["--max-pages", "0"],
    ["--max-pages", '"0"'],
  ],
  [
    ["--max-depth", "x"],
    ["--max-depth", '"x"'],
  ],
  [
    ["--timeout", "0"],
    ["--timeout", '"0"'],
  ],
  [
    ["--retries", "1e3"],
    ["--retries", '"1e3"'],
  ],
  [
    ["--max-attempts", "0"],
    ["--max-attempts", '"0"'],
  ],
  [
    ["--parse-workers", "0"],
    ["--parse-workers", '"0"'],
  ],
  [
    ["--workers", "0"],
    ["--workers", '"0"'],
  ],
  [
    ["--progress", "0"],
    ["--progress", '"0"'],
  ],
  [
    ["--include", "/(/"],
    ["--include", '"/(/"'],
  ],
  [
    ["--exclude", "/[/"],
    ["--exclude", '"/[/"'],
  ],
  [
    ["--allow-domain", "not a domain"],
    ["--allow-domain", '"not a domain"'],
  ],
  [
    ["--extractor", "./missing.mjs"],
    ["--extractor", '"./missing.mjs"'],
  ],
  [
    ["--out", "pages.txt"],
    ["--out", '"pages.txt"'],
  ],
  [
    ["--out", "/nonexistent/pages.jsonl"],
    ["--out", '"/nonexistent/pages.jsonl"'],
  ],
  [["--out", "."], ["--out"]],
  [
    ["--db", "mysql://db/crawls"],
    ["--db", '"mysql://db/crawls"', "mysql://"],
  ],
  [["--db", ""], ["--db"]],
  [["--name", ""], ["--name"]],
  [
    ["--dashboard", "70000"],
    ["--dashboard", '"70000"'],
  ],
  [
    ["--workers", "2"],
    ["--workers", "postgres://"],
  ],
  [["--frobnicate"], ["--frobnicate"]],
  [["--user-agent", " "], ["--user-agent"]],
  [["--user-agent", "bot\r\nx-injected: 1"], ["--user-agent"]],
  [
    ["--max-page", "3"],
    ["--max-page", "did you mean --max-pages?"],
  ],
  [["--delay"], ["--delay"]],
  [
    ["--header", "no colon"],
    ["--header", '"no colon"'],
  ],
  [
    ["--header", "User-Agent: x"],
    ["--header", "User-Agent", "--user-agent"],
  ],
  [
    ["--cookie", "=v"],
    ["--cookie", '"=v"'],
  ],
  [
    ["--cookie", "a=b c"],
    ["--cookie", '"a=b c"'],
  ],
];

describe("parseCrawlArgs", () => {
  it.each(BAD)("rejects %j with a UsageError naming the option and the value", (args, names) => {
    let error: unknown;
    try {
      parseCrawlArgs([URL, ...args], dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    for (const name of names) expect(message).toContain(name);
  });

  it("has a bad-value case for every option that takes a value", () => {
    const covered = new Set(BAD.map(([args]) => args[0]!.replace(/^--/, "")));
    const taking = Object.entries(CRAWL_OPTIONS)
      .filter(([name, o]) => o.type === "string" && name !== "dashboard-host")
      .map(([name]) => name);
    expect(taking.filter((name) => !covered.has(name))).toEqual([]);
  });

  it("hints at https:// for a URL without a scheme", () => {
    expect(() => parseCrawlArgs(["example.com"], dir)).toThrow(
      '"example.com" is not an http(s) URL (did you mean https://example.com/?)',
    );
    expect(() => parseCrawlArgs(["example.com/docs"], dir)).toThrow(
      "did you mean https://example.com/docs?",
    );
  });

  it("resolves relative paths against the given working directory and keeps unset options unset", () => {
    const args = parseCrawlArgs(
      [URL, "--out", "p.csv", "--extractor", "extract.mjs", "--db", "data"],
      dir,
    );
    expect(args.out).toEqual({ path: join(dir, "p.csv"), format: "csv" });
    expect(args.extractor).toBe(join(dir, "extract.mjs"));
    expect(args.db).toBe(join(dir, "data"));
    expect(parseCrawlArgs([URL], dir).db).toBe(join(dir, ".skein-scrape"));
    // Unset here means "the saved value" on a resume, so no defaults are filled in.
    const { options } = parseCrawlArgs([URL], dir);
    expect([options.robots, options.maxPages, options.concurrency, options.parser]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect([options.sitemaps, options.headers, options.cookies]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("takes headers (names in lower case) and cookies as the library's options", () => {
    const { options } = parseCrawlArgs(
      [
        URL,
        "--sitemaps",
        "--revalidate",
        "--keep-bodies",
        "--header",
        "Authorization: Bearer t0k3n",
        "--header",
        "X-Trace:1",
        "--cookie",
        "session=abc",
        "--cookie",
        "lang=en",
      ],
      dir,
    );
    expect(options).toMatchObject({
      sitemaps: true,
      revalidate: true,
      keepBodies: true,
      headers: { authorization: "Bearer t0k3n", "x-trace": "1" },
      cookies: { session: "abc", lang: "en" },
    });
  });
});
