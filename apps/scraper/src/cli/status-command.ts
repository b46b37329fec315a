import type { Operation } from "@skein/core";
import { createCrawlStore } from "../store/crawl-store.js";
import { useDatabase } from "../store/database.js";
import { databaseOf } from "./crawl-args.js";
import { formatSummary } from "./format-summary.js";
import { parseCliArgs } from "./parse-cli-args.js";
import { UsageError } from "./usage-error.js";

export const STATUS_HELP = `usage: skein-scrape status <crawl> [--db <location>] [--json]

Show where a crawl stands: pages by status, what is still queued, errors.

  --db <location>  postgres://... URL or PGlite data directory (default .skein-scrape)
  --json           print as JSON
  -h, --help       show this help`;

/** Internal to the CLI. `skein-scrape status`. */
export function* statusCommand(args: string[]): Operation<void> {
  const { values, positionals } = parseCliArgs(args, {
    db: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  } as const);
  if (values.help) {
    console.log(STATUS_HELP);
    return;
  }
  const [name] = positionals;
  if (name === undefined) throw new UsageError("status needs the name of a crawl", positionals);
  const store = yield* createCrawlStore(yield* useDatabase(databaseOf(values.db, process.cwd())));
  const record = yield* store.find(name);
  const summary = yield* store.summary(record.id);
  if (values.json) {
    console.log(JSON.stringify({ crawl: name, ...summary }, null, 2));
    return;
  }
  const end = summary.finishedAt ?? new Date();
  console.log(formatSummary(name, summary, end.getTime() - summary.createdAt.getTime()));
  console.log(
    summary.finishedAt === null ? "state     unfinished (resumable)" : "state     finished",
  );
}
