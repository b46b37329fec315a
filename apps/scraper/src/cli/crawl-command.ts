import { spawn as spawnProcess } from "node:child_process";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { action, all, exit, type Operation, spawn, until } from "@skein/core";
import { type CrawlOptions, crawl, type Extractor, openCrawl } from "../crawl/crawl.js";
import { createCrawlMonitor } from "../crawl/crawl-monitor.js";
import { useDashboard } from "../dashboard/use-dashboard.js";
import { type CrawlStore, createCrawlStore } from "../store/crawl-store.js";
import { useDatabase } from "../store/database.js";
import { normalizeUrl } from "../url/normalize-url.js";
import { takeDashboardFlag } from "./dashboard-flag.js";
import { type ExportFormat, exportPages, formatOf } from "./export-pages.js";
import { formatSummary } from "./format-summary.js";
import { createTally, reportProgress } from "./progress.js";
import { UsageError } from "./usage-error.js";

/** Internal to the CLI. The default embedded data directory. */
export const DEFAULT_DB = ".skein-scrape";

export const CRAWL_HELP = `usage: skein-scrape crawl <url...> [options]

Crawl from the given URLs, keeping the frontier and results in Postgres.
Running the same command again (same --name) resumes the crawl.

  --name <crawl>        crawl to create or resume (default: host of the first URL)
  --db <location>       postgres://... URL, or a PGlite data directory (default ${DEFAULT_DB})
  --concurrency <n>     fetches in flight (default 16)
  --per-host <n>        fetches in flight per host (default 4)
  --delay <ms>          least time between two requests to one host (default 0)
  --max-pages <n>       stop after this many pages
  --max-depth <n>       follow links at most this deep (start URLs are depth 0)
  --include <pattern>   only crawl matching URLs (glob or /regex/; repeatable)
  --exclude <pattern>   never crawl matching URLs (repeatable)
  --follow-external     follow links to other hosts
  --timeout <ms>        limit per request attempt (default 15000)
  --retries <n>         retries for 5xx, 429 and network errors (default 3)
  --user-agent <ua>     User-Agent header, and token for robots.txt
  --no-robots           ignore robots.txt
  --extractor <module>  module whose default export turns a page into a JSON item
  --parse-workers <n>   parse HTML in n worker threads instead of on the event loop
  --workers <n>         worker processes sharing the crawl (needs a postgres:// --db)
  --out <file>          export the pages when done (.jsonl or .csv)
  --dashboard [port]    serve a live dashboard (pause, resume, stop) on this port (default: any free one)
  --dashboard-host <h>  address the dashboard binds to (default 127.0.0.1)
  --json                print the summary as JSON
  --progress <ms>       without a TTY, print a progress line this often (default 5000)
  -h, --help            show this help

Exit codes: 0 done, 1 failed, 130 interrupted (resume with the same --name).`;

const OPTIONS = {
  name: { type: "string" },
  db: { type: "string" },
  concurrency: { type: "string" },
  "per-host": { type: "string" },
  delay: { type: "string" },
  "max-pages": { type: "string" },
  "max-depth": { type: "string" },
  include: { type: "string", multiple: true },
  exclude: { type: "string", multiple: true },
  "follow-external": { type: "boolean" },
  timeout: { type: "string" },
  retries: { type: "string" },
  "user-agent": { type: "string" },
  "no-robots": { type: "boolean" },
  extractor: { type: "string" },
  "parse-workers": { type: "string" },
  workers: { type: "string" },
  out: { type: "string" },
  json: { type: "boolean" },
  progress: { type: "string" },
  "dashboard-host": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new UsageError(`--${flag} expects a whole number, got ${JSON.stringify(value)}`, value);
  }
  return n;
}

function* loadExtractor(path: string): Operation<Extractor> {
  const module = (yield* until(import(pathToFileURL(path).href))) as Record<string, unknown>;
  const fn = module.default ?? module.extract;
  if (typeof fn !== "function") {
    throw new UsageError(`${path} exports no default (or "extract") function`, path);
  }
  return fn as Extractor;
}

/** How a worker process ended, and the summary it printed with `--json`. */
interface ChildRun {
  code: number;
  report: { worker?: string; finishedHere?: number } | undefined;
}

/**
 * Run this CLI again as a worker process and wait for it. Halted, the worker is interrupted
 * (SIGINT: it releases its leases) and waited for, so no worker outlives the parent's scope.
 */
function* runChild(args: string[]): Operation<ChildRun> {
  const child = spawnProcess(process.execPath, [...process.execArgv, process.argv[1]!, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  const exited = action<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => resolve(code ?? 1));
    return () => {
      child.off("error", reject);
      child.off("exit", resolve);
    };
  });
  try {
    const code = yield* exited;
    let report: ChildRun["report"];
    try {
      report = JSON.parse(out);
    } catch {
      report = undefined;
    }
    return { code, report };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGINT");
      yield* exited;
    }
  }
}

/** Where `--out` writes the pages when the crawl is done. */
interface OutFile {
  path: string;
  format: ExportFormat;
}

/** The `--out` file, checked before anything is crawled rather than after. */
function outFileOf(path: string | undefined): OutFile | undefined {
  if (path === undefined) return undefined;
  const format = formatOf(path);
  if (format === undefined) throw new UsageError("--out must end in .jsonl or .csv", path);
  return { path, format };
}

/** Write the crawl's pages to `out`, if given. */
function* exportTo(
  store: CrawlStore,
  id: number,
  out: OutFile | undefined,
  json: boolean | undefined,
): Operation<void> {
  if (out === undefined) return;
  const n = yield* exportPages(store, id, out.format, out.path);
  if (!json) console.log(`exported ${n} pages to ${out.path}`);
}

/** Internal to the CLI. Options shared by `crawl` and `demo`. */
export interface CrawlRun {
  store: CrawlStore;
  options: Omit<CrawlOptions, "store" | "onPage" | "monitor">;
  out?: OutFile | undefined;
  json?: boolean;
  /** Milliseconds between progress lines when stderr is not a TTY. */
  progressMs?: number | undefined;
  /** Serve the live dashboard while crawling. */
  dashboard?: { port: number; host?: string | undefined };
  /** URLs the crawl will have finished when done, for the dashboard's progress and ETA. */
  total?: number;
}

/** Internal to the CLI. How a crawl run ended. */
export interface CrawlReport {
  /** Stopped from the dashboard: the crawl's frontier is kept for a resume. */
  stopped: boolean;
}

/** Internal to the CLI. Crawl with progress, then print the summary (and export). */
export function* crawlAndReport(run: CrawlRun): Operation<CrawlReport> {
  const { store } = run;
  const started = Date.now();
  const tally = createTally();
  const bound = run.total ?? run.options.maxPages;
  const record = yield* openCrawl({ ...run.options, store });
  const monitor =
    run.dashboard === undefined
      ? undefined
      : createCrawlMonitor({ store, crawl: record, total: bound });
  if (monitor !== undefined && run.dashboard !== undefined) {
    const { port, host } = run.dashboard;
    const dashboard = yield* useDashboard({ source: monitor, port, host });
    console.error(`dashboard: ${dashboard.url}`);
  }
  const progress = yield* spawn(
    () => reportProgress(store, record.id, tally, run.progressMs, bound),
    {
      name: "progress line",
    },
  );
  const crawling = yield* spawn(
    () =>
      crawl({
        ...run.options,
        store,
        monitor,
        onPage(event) {
          tally.pages++;
          tally.bytes += event.bytes;
          if (event.error !== null) {
            tally.errors.set(event.error, (tally.errors.get(event.error) ?? 0) + 1);
          }
        },
      }),
    { name: `crawl ${run.options.name}` },
  );
  const result = yield* crawling;
  yield* progress.halt();
  monitor?.close();
  const summary = yield* store.summary(record.id);
  if (run.json) {
    // This process's share, for a parent that started it with --workers.
    const here = { worker: result.worker, finishedHere: result.finished };
    console.log(JSON.stringify({ crawl: run.options.name, ...here, ...summary }, null, 2));
  } else console.log(formatSummary(run.options.name, summary, Date.now() - started));
  yield* exportTo(store, record.id, run.out, run.json);
  return { stopped: monitor?.stopped ?? false };
}

/** Internal to the CLI. `skein-scrape crawl`. */
export function* crawlCommand(argv: string[]): Operation<void> {
  const { args, port: dashboardPort } = takeDashboardFlag(argv);
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true });
  if (values.help) {
    console.log(CRAWL_HELP);
    return;
  }
  const seeds = positionals.map((url) => normalizeUrl(url));
  const name = values.name ?? (seeds[0] === undefined ? undefined : new URL(seeds[0]).host);
  if (name === undefined) throw new UsageError("crawl needs a URL or a --name to resume", args);
  const db = values.db ?? DEFAULT_DB;
  const out = outFileOf(values.out);
  const workers = integer("workers", values.workers) ?? 1;
  if (workers > 1) {
    if (dashboardPort !== undefined) {
      throw new UsageError("--dashboard watches one process: use it without --workers", workers);
    }
    if (!/^postgres(ql)?:\/\//.test(db)) {
      throw new UsageError(
        "--workers needs a Postgres server (--db postgres://...): an embedded database can be opened by one process only",
        db,
      );
    }
    const rest = args.filter((_, i) => args[i] !== "--workers" && args[i - 1] !== "--workers");
    const childArgs = ["crawl", ...rest.filter((a) => !a.startsWith("--workers=")), "--name", name];
    const childOnly = childArgs.filter((a, i) => a !== "--out" && childArgs[i - 1] !== "--out");
    // The first process creates the crawl so that the others find its seeds.
    const store = yield* createCrawlStore(yield* useDatabase(db));
    yield* openCrawl({ store, name, seeds });
    const started = Date.now();
    const runs = yield* all(
      Array.from({ length: workers }, () => runChild([...childOnly, "--json"])),
    );
    const codes = runs.map((run) => run.code);
    if (codes.some((code) => code !== 0)) throw new Error(`worker exit codes: ${codes.join(" ")}`);
    const record = yield* store.find(name);
    const summary = yield* store.summary(record.id);
    const processes = runs.map((run) => ({
      worker: run.report?.worker ?? "?",
      finishedHere: run.report?.finishedHere ?? 0,
    }));
    if (values.json) {
      console.log(JSON.stringify({ crawl: name, processes, ...summary }, null, 2));
    } else {
      console.log(formatSummary(name, summary, Date.now() - started));
      for (const { worker, finishedHere } of processes) {
        console.log(`worker ${worker}: ${finishedHere} URLs`);
      }
    }
    yield* exportTo(store, record.id, out, values.json);
    return;
  }
  const store = yield* createCrawlStore(yield* useDatabase(db));
  const extractor =
    values.extractor === undefined ? undefined : yield* loadExtractor(values.extractor);
  const parseWorkers = integer("parse-workers", values["parse-workers"]);
  const report = yield* crawlAndReport({
    store,
    out,
    json: values.json,
    progressMs: integer("progress", values.progress),
    dashboard:
      dashboardPort === undefined
        ? undefined
        : { port: dashboardPort, host: values["dashboard-host"] },
    options: {
      name,
      seeds,
      concurrency: integer("concurrency", values.concurrency),
      perHost: integer("per-host", values["per-host"]),
      delayMs: integer("delay", values.delay),
      maxPages: integer("max-pages", values["max-pages"]),
      maxDepth: integer("max-depth", values["max-depth"]),
      include: values.include,
      exclude: values.exclude,
      followExternal: values["follow-external"],
      timeoutMs: integer("timeout", values.timeout),
      retries: integer("retries", values.retries),
      userAgent: values["user-agent"],
      robots: !values["no-robots"],
      parser: parseWorkers === undefined ? "inline" : { workers: parseWorkers },
      ...(extractor === undefined ? {} : { extractor }),
    },
  });
  if (report.stopped) {
    yield* exit(130, `stopped from the dashboard; resume with: skein-scrape crawl --name ${name}`);
  }
}
