import { parseArgs } from "node:util";
import type { Operation } from "@skein/core";
import { useDemoServer } from "../demo-site/use-demo-server.js";
import { createCrawlStore } from "../store/crawl-store.js";
import { useDatabase } from "../store/database.js";
import { crawlAndReport } from "./crawl-command.js";
import { UsageError } from "./usage-error.js";

export const DEMO_HELP = `usage: skein-scrape demo [--pages <n>] [--seed <n>] [--db <location>] [--json]

Start the demo site on a free loopback port and crawl it: a few thousand pages with
duplicate spellings, broken links, slow pages, one-time 500s and 429s, robots.txt rules
and non-HTML files. Then check the result against what the site says a full crawl finds.

  --pages <n>      pages on the site (default 1000)
  --seed <n>       seed of its link graph (default 1)
  --db <location>  where to keep the crawl (default: an in-memory PGlite)
  --json           print the summary as JSON
  -h, --help       show this help`;

/** Internal to the CLI. `skein-scrape demo`. */
export function* demoCommand(args: string[]): Operation<void> {
  const { values } = parseArgs({
    args,
    options: {
      pages: { type: "string" },
      seed: { type: "string" },
      db: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(DEMO_HELP);
    return;
  }
  const pages = Number(values.pages ?? 1000);
  const seed = Number(values.seed ?? 1);
  if (!Number.isInteger(pages) || pages < 1) {
    throw new UsageError(`--pages expects a positive whole number, got ${values.pages}`, pages);
  }
  const server = yield* useDemoServer({ pages, seed });
  const store = yield* createCrawlStore(yield* useDatabase(values.db ?? "memory://"));
  const name = `demo-${server.origin.replace(/^http:\/\//, "")}`;
  console.error(`demo site: ${server.origin}/ (${pages} pages)`);
  yield* crawlAndReport({
    store,
    json: values.json,
    options: { name, seeds: [`${server.origin}/`], concurrency: 16, perHost: 16 },
  });
  const expected = server.site.expect(server.origin);
  const record = yield* store.find(name);
  let found = 0;
  let wrong = 0;
  for (let after = ""; ; ) {
    const rows = yield* store.pages(record.id, after);
    if (rows.length === 0) break;
    for (const row of rows) {
      found++;
      if (expected.statuses.get(row.url) !== row.status) wrong++;
    }
    after = rows[rows.length - 1]!.url;
  }
  const ok = found === expected.statuses.size && wrong === 0;
  console.error(
    ok
      ? `matches the expected result: ${found} URLs, every status as predicted`
      : `MISMATCH: found ${found} of ${expected.statuses.size} URLs, ${wrong} with a wrong status`,
  );
  if (!ok) throw new Error("the demo crawl did not match the site's expectation");
}
