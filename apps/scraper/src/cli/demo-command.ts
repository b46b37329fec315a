import { parseArgs } from "node:util";
import { exit, type Operation } from "@skein/core";
import { useDemoServer } from "../demo-site/use-demo-server.js";
import { createCrawlStore } from "../store/crawl-store.js";
import { useDatabase } from "../store/database.js";
import { crawlAndReport } from "./crawl-command.js";
import { takeDashboardFlag } from "./dashboard-flag.js";
import { UsageError } from "./usage-error.js";

export const DEMO_HELP = `usage: skein-scrape demo [--pages <n>] [--seed <n>] [--db <location>] [--json]
                        [--delay <ms>] [--dashboard [port]] [--dashboard-host <host>]

Start the demo site on a free loopback port and crawl it: a few thousand pages with
duplicate spellings, broken links, slow pages, one-time 500s and 429s, robots.txt rules
and non-HTML files. Then check the result against what the site says a full crawl finds.

  --pages <n>      pages on the site (default 1000)
  --seed <n>       seed of its link graph (default 1)
  --db <location>  where to keep the crawl (default: an in-memory PGlite)
  --json           print the summary as JSON
  --delay <ms>     least time between two requests (default 0), to watch it go
  --dashboard [port]
                   serve a live dashboard (pause, resume, stop) on this port (default: any free one)
  --dashboard-host <host>
                   address the dashboard binds to (default 127.0.0.1)
  -h, --help       show this help`;

/** Internal to the CLI. `skein-scrape demo`. */
export function* demoCommand(argv: string[]): Operation<void> {
  const { args, port: dashboardPort } = takeDashboardFlag(argv);
  const { values } = parseArgs({
    args,
    options: {
      delay: { type: "string" },
      "dashboard-host": { type: "string" },
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
  const delayMs = Number(values.delay ?? 0);
  if (!Number.isInteger(delayMs) || delayMs < 0) {
    throw new UsageError(`--delay expects a whole number, got ${values.delay}`, values.delay);
  }
  const server = yield* useDemoServer({ pages, seed });
  const store = yield* createCrawlStore(yield* useDatabase(values.db ?? "memory://"));
  const name = `demo-${server.origin.replace(/^http:\/\//, "")}`;
  console.error(`demo site: ${server.origin}/ (${pages} pages)`);
  const expected = server.site.expect(server.origin);
  const report = yield* crawlAndReport({
    store,
    json: values.json,
    dashboard:
      dashboardPort === undefined
        ? undefined
        : { port: dashboardPort, host: values["dashboard-host"] },
    total: expected.statuses.size,
    options: { name, seeds: [`${server.origin}/`], concurrency: 16, perHost: 16, delayMs },
  });
  if (report.stopped) yield* exit(130, "stopped from the dashboard before the crawl was done");
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
