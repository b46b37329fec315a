import { type Operation, scoped } from "@skein/core";
import { type CrawlSummary, createCrawlStore } from "../store/crawl-store.js";
import { databaseOptions, useDatabase } from "../store/database.js";
import { DatabaseLocationError } from "../store/database-location-error.js";
import { askStatusEndpoint } from "./ask-status-endpoint.js";
import { databaseOf } from "./crawl-args.js";
import { formatSummary } from "./format-summary.js";
import { parseCliArgs } from "./parse-cli-args.js";
import { UsageError } from "./usage-error.js";

export const STATUS_HELP = `usage: skein-scrape status <crawl> [--db <location>] [--json]

Show where a crawl stands: pages by status, what is still queued, errors.
Beside a crawl running on the same PGlite directory, the running process answers.

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
  const location = databaseOf(values.db, process.cwd());
  const { summary, via } = yield* summaryOf(location, name);
  if (values.json) {
    console.log(JSON.stringify({ crawl: name, ...summary }, null, 2));
    return;
  }
  const end = summary.finishedAt ?? new Date();
  console.log(formatSummary(name, summary, end.getTime() - summary.createdAt.getTime()));
  console.log(
    summary.finishedAt === null ? "state     unfinished (resumable)" : "state     finished",
  );
  if (via !== undefined) console.log(`(read through process ${via}, which holds ${location})`);
}

/**
 * The crawl's summary from the database or, when a running process holds its embedded data
 * directory, from that process; `via` is then its pid.
 */
function* summaryOf(
  location: string,
  name: string,
): Operation<{ summary: CrawlSummary; via?: number }> {
  try {
    return yield* scoped(function* () {
      const store = yield* createCrawlStore(yield* useDatabase(location));
      return { summary: yield* store.summary((yield* store.find(name)).id) };
    });
  } catch (error) {
    const dataDir = databaseOptions(location).embedded;
    if (!(error instanceof DatabaseLocationError) || error.kind !== "locked") throw error;
    if (typeof dataDir !== "object" || dataDir.dataDir === undefined) throw error;
    const remote = yield* askStatusEndpoint(dataDir.dataDir, name);
    if (remote === undefined) throw error;
    return { summary: remote.summary, via: remote.pid };
  }
}
