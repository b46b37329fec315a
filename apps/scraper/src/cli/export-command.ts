import type { Operation } from "@skein/core";
import { createCrawlStore } from "../store/crawl-store.js";
import { useDatabase } from "../store/database.js";
import { databaseOf, outFileOf } from "./crawl-args.js";
import {
  type ExportFormat,
  exportItems,
  exportLinks,
  exportPages,
  formatOf,
} from "./export-pages.js";
import { parseCliArgs } from "./parse-cli-args.js";
import { UsageError } from "./usage-error.js";

export const EXPORT_HELP = `usage: skein-scrape export <crawl> [--items | --links] [--format jsonl|csv] [--out <file>] [--db <location>]

Write every page of a crawl, in URL order, to stdout or a file.

  --items          write the crawl's dataset (what handlers pushed) instead of its pages
  --links          write the link graph (from, to) instead of its pages
  --format <f>     jsonl (default, or from the --out extension) or csv
  --out <file>     write here instead of stdout
  --db <location>  postgres://... URL or PGlite data directory (default .skein-scrape)
  -h, --help       show this help`;

/** Internal to the CLI. `skein-scrape export`. */
export function* exportCommand(args: string[]): Operation<void> {
  const { values, positionals } = parseCliArgs(args, {
    format: { type: "string" },
    out: { type: "string" },
    db: { type: "string" },
    items: { type: "boolean" },
    links: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  } as const);
  if (values.help) {
    console.log(EXPORT_HELP);
    return;
  }
  const [name] = positionals;
  if (name === undefined) throw new UsageError("export needs the name of a crawl", positionals);
  const format = values.format ?? (values.out === undefined ? "jsonl" : formatOf(values.out));
  if (format !== "jsonl" && format !== "csv") {
    throw new UsageError(
      `--format expects jsonl or csv, got ${JSON.stringify(values.format ?? values.out)}`,
      format,
    );
  }
  const out = values.out === undefined ? undefined : outFileOf(values.out, process.cwd());
  const store = yield* createCrawlStore(yield* useDatabase(databaseOf(values.db, process.cwd())));
  const record = yield* store.find(name);
  if (values.items && values.links) {
    throw new UsageError("--items and --links cannot be combined", "--links");
  }
  const exporter = values.items ? exportItems : values.links ? exportLinks : exportPages;
  const n = yield* exporter(store, record.id, format as ExportFormat, out?.path);
  const what = values.items ? "items" : values.links ? "links" : "pages";
  if (out !== undefined) console.error(`exported ${n} ${what} to ${out.path}`);
}
