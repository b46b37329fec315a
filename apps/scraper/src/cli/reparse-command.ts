import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Operation } from "@skein/core";
import { reparse } from "../crawler/reparse.js";
import { createCrawlStore } from "../store/crawl-store.js";
import { useDatabase } from "../store/database.js";
import { databaseOf } from "./crawl-args.js";
import { loadUserCode } from "./load-module.js";
import { parseCliArgs } from "./parse-cli-args.js";
import { UsageError } from "./usage-error.js";

export const REPARSE_HELP = `usage: skein-scrape reparse <crawl> --handler <module> [--db <location>] [--json]

Run a handler over the pages a crawl kept (crawled with --keep-bodies), without fetching them
again: each page's items are replaced by what the handler pushes now. What it enqueues is
ignored. A page whose handler fails keeps its items and is listed.

  --handler <module>  module whose "handler" export (or default export) handles each page
  --db <location>     postgres://... URL or PGlite data directory (default .skein-scrape)
  --json              print the result as JSON
  -h, --help          show this help`;

/** Internal to the CLI. `skein-scrape reparse`. */
export function* reparseCommand(args: string[]): Operation<void> {
  const { values, positionals } = parseCliArgs(args, {
    handler: { type: "string" },
    db: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  } as const);
  if (values.help) {
    console.log(REPARSE_HELP);
    return;
  }
  const [name, ...extra] = positionals;
  if (name === undefined) throw new UsageError("reparse needs the name of a crawl", positionals);
  if (extra.length > 0) {
    throw new UsageError(`reparse takes one crawl, got ${positionals.join(" ")}`, positionals);
  }
  if (values.handler === undefined) {
    throw new UsageError("reparse needs --handler <module>", args);
  }
  const path = resolve(process.cwd(), values.handler);
  if (!existsSync(path)) {
    throw new UsageError(
      `--handler ${JSON.stringify(values.handler)}: no such file`,
      values.handler,
    );
  }
  const db = databaseOf(values.db, process.cwd());
  // Loaded before the database is opened: a broken module touches nothing.
  const code = yield* loadUserCode(path, "handler");
  if (!("handler" in code)) throw new UsageError(`--handler ${path} exports no handler`, path);
  const store = yield* createCrawlStore(yield* useDatabase(db));
  const result = yield* reparse({ store, name, handler: code.handler });
  if (values.json) {
    console.log(JSON.stringify({ crawl: name, ...result }, null, 2));
    return;
  }
  console.log(`reparsed ${result.pages} pages of ${name}: ${result.items} items`);
  for (const { url, error } of result.failed.slice(0, 10)) console.log(`  failed ${url}: ${error}`);
  if (result.failed.length > 10) console.log(`  ... and ${result.failed.length - 10} more failed`);
}
