import type { Operation } from "@skein/core";
import { createCrawlStore } from "../store/crawl-store.js";
import { useDatabase } from "../store/database.js";
import { databaseOf } from "./crawl-args.js";
import { parseCliArgs } from "./parse-cli-args.js";
import { UsageError } from "./usage-error.js";

const DB = {
  db: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export const LIST_HELP = `usage: skein-scrape list [--db <location>] [--json]

List the crawls in the database: pages finished, URLs waiting, whether each ran to its end.`;

export const RECRAWL_HELP = `usage: skein-scrape recrawl <crawl> [--db <location>]

Start a crawl over: its pages, links and frontier are deleted and its start URLs queued again,
with its saved options. Then run "skein-scrape crawl --name <crawl>".`;

export const DELETE_HELP = `usage: skein-scrape delete <crawl> [--db <location>]

Delete a crawl with everything it found.`;

/** Internal to the CLI. `skein-scrape list`. */
export function* listCommand(args: string[]): Operation<void> {
  const { values, positionals } = parseCliArgs(args, DB);
  if (values.help) {
    console.log(LIST_HELP);
    return;
  }
  if (positionals.length > 0)
    throw new UsageError(`list takes no arguments, got ${positionals.join(" ")}`, positionals);
  const store = yield* createCrawlStore(yield* useDatabase(databaseOf(values.db, process.cwd())));
  const crawls = yield* store.list();
  if (values.json) {
    console.log(JSON.stringify(crawls, null, 2));
    return;
  }
  if (crawls.length === 0) {
    console.log("no crawls in this database");
    return;
  }
  const width = Math.max(5, ...crawls.map((c) => c.name.length));
  console.log(`${"crawl".padEnd(width)}  ${"pages".padStart(7)}  ${"waiting".padStart(7)}  state`);
  for (const c of crawls) {
    const state = c.finishedAt !== null && c.waiting === 0 ? "finished" : "resumable";
    console.log(
      `${c.name.padEnd(width)}  ${String(c.finished).padStart(7)}  ${String(c.waiting).padStart(7)}  ${state}`,
    );
  }
}

function nameOf(command: string, positionals: string[]): string {
  const [name, ...extra] = positionals;
  if (name === undefined) throw new UsageError(`${command} needs the name of a crawl`, positionals);
  if (extra.length > 0)
    throw new UsageError(`${command} takes one crawl, got ${positionals.join(" ")}`, positionals);
  return name;
}

/** Internal to the CLI. `skein-scrape recrawl` (and `reset`). */
export function* recrawlCommand(args: string[]): Operation<void> {
  const { values, positionals } = parseCliArgs(args, DB);
  if (values.help) {
    console.log(RECRAWL_HELP);
    return;
  }
  const name = nameOf("recrawl", positionals);
  const store = yield* createCrawlStore(yield* useDatabase(databaseOf(values.db, process.cwd())));
  yield* store.recrawl(name);
  console.error(`crawl ${name} starts over; run: skein-scrape crawl --name ${name}`);
}

/** Internal to the CLI. `skein-scrape delete`. */
export function* deleteCommand(args: string[]): Operation<void> {
  const { values, positionals } = parseCliArgs(args, DB);
  if (values.help) {
    console.log(DELETE_HELP);
    return;
  }
  const name = nameOf("delete", positionals);
  const store = yield* createCrawlStore(yield* useDatabase(databaseOf(values.db, process.cwd())));
  yield* store.delete(name);
  console.error(`deleted crawl ${name}`);
}
