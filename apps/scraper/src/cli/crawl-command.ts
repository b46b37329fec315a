import { spawn as spawnProcess } from "node:child_process";
import { action, all, exit, type Operation, spawn } from "@skein/core";
import { crawl } from "../crawl/crawl.js";
import { createCrawlMonitor } from "../crawl/crawl-monitor.js";
import type { CrawlOptions } from "../crawl/crawl-options.js";
import { resolveCrawl } from "../crawl/saved-config.js";
import { useDashboard } from "../dashboard/use-dashboard.js";
import { type CrawlListing, type CrawlStore, createCrawlStore } from "../store/crawl-store.js";
import { databaseOptions, useDatabase } from "../store/database.js";
import { DEFAULT_DB, type OutFile, parseCrawlArgs } from "./crawl-args.js";
import { exportPages } from "./export-pages.js";
import { formatSummary } from "./format-summary.js";
import { loadUserCode } from "./load-module.js";
import { createTally, reportProgress } from "./progress.js";
import { useStatusEndpoint } from "./status-endpoint.js";

export { DEFAULT_DB } from "./crawl-args.js";

export const CRAWL_HELP = `usage: skein-scrape crawl <url...> [options]

Crawl from the given URLs, keeping the frontier and results in Postgres.
Running the same command again, or just --name, resumes the crawl with its saved options.

  --name <crawl>        crawl to create or resume (default: host of the first URL)
  --db <location>       postgres://... URL, or a PGlite data directory (default ${DEFAULT_DB})
  --concurrency <n>     fetches in flight (default 16)
  --per-host <n>        fetches in flight per host, across every process of the crawl (default 4)
  --delay <ms>          least time between two requests to one host (default 0)
  --max-pages <n>       stop after this many pages
  --max-depth <n>       follow links at most this deep (start URLs are depth 0)
  --include <pattern>   only crawl matching URLs (glob or /regex/; repeatable)
  --exclude <pattern>   never crawl matching URLs (repeatable)
  --allow-domain <d>    also crawl hosts in this domain and its subdomains (repeatable)
  --follow-external     follow links to any host
  --timeout <ms>        limit per request attempt (default 15000)
  --retries <n>         retries for 5xx, 429 and network errors (default 3)
  --max-attempts <n>    claims of a URL that end in a crash or an expired lease before it
                        is failed with attempts-exhausted (default 5)
  --user-agent <ua>     User-Agent header, and token for robots.txt
  --no-robots           ignore robots.txt
  --extractor <module>  module whose default export turns a page into a JSON item, or
                        whose "handler" export (a function or a createRouter() router)
                        handles each page (items, enqueue): see the README
  --parse-workers <n>   parse HTML in n worker threads instead of on the event loop
  --workers <n>         worker processes sharing the crawl (needs a postgres:// --db)
  --reconfigure         resuming, replace saved options with the ones given here
  --sitemaps            also seed from the sitemaps (robots.txt Sitemap: lines, /sitemap.xml)
  --revalidate          keep ETag/Last-Modified; a recrawl asks with them (a 304 is not parsed)
  --keep-bodies         keep each page's body (compressed) for \`skein-scrape reparse\`
  --header <h: v>       send this header with every request (repeatable; saved with the crawl)
  --cookie <n=v>        send this cookie with every request (repeatable; saved with the crawl)
  --out <file>          export the pages when done (.jsonl or .csv)
  --dashboard [port]    serve a live dashboard (pause, resume, stop) on this port (default: any free one)
  --dashboard-host <h>  address the dashboard binds to (default 127.0.0.1)
  --json                print the summary as JSON
  --progress <ms>       without a TTY, print a progress line this often (default 5000)
  -h, --help            show this help

Exit codes: 0 done, 1 failed, 2 bad arguments, 130 interrupted (Ctrl-C),
143 terminated (SIGTERM); resume an interrupted crawl with the same --name.`;

/** How a worker process ended, and the summary it printed with `--json`. */
interface ChildRun {
  code: number;
  /** The signal that killed it, if one did (then `code` is 1). */
  signal: NodeJS.Signals | null;
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
  const exited = action<[number, NodeJS.Signals | null]>((resolve, reject) => {
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      resolve([code ?? 1, signal]);
    child.once("error", reject);
    child.once("exit", onExit);
    return () => {
      child.off("error", reject);
      child.off("exit", onExit);
    };
  });
  try {
    const [code, signal] = yield* exited;
    let report: ChildRun["report"];
    try {
      report = JSON.parse(out);
    } catch {
      report = undefined;
    }
    return { code, signal, report };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGINT");
      yield* exited;
    }
  }
}

/**
 * Run a worker process, and start another in its place when one is killed from outside
 * (`kill -9`, the OOM killer): the crawl takes back the dead one's leases, so the new process
 * carries on its share. An interrupt (SIGINT, SIGTERM: the whole group gets it) or an exit
 * code ends it; so does running out of `restarts`, shared by all the workers of the crawl.
 */
function* superviseChild(args: string[], restarts: { left: number }): Operation<ChildRun> {
  for (;;) {
    const run = yield* runChild(args);
    const killed = run.signal !== null && run.signal !== "SIGINT" && run.signal !== "SIGTERM";
    if (!killed || restarts.left <= 0) return run;
    restarts.left--;
    process.stderr.write(`a worker process was killed by ${run.signal}; starting another\n`);
  }
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
  dashboard?: { port: number; host?: string | undefined } | undefined;
  /** URLs the crawl will have finished when done, for the dashboard's progress and ETA. */
  total?: number;
  /** How to run it again, for the hint printed when interrupted. */
  resumeHint?: string;
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
  const { record, options } = yield* resolveCrawl({ ...run.options, store });
  const bound = run.total ?? options.maxPages;
  const monitor =
    run.dashboard === undefined
      ? undefined
      : createCrawlMonitor({
          store,
          crawl: record,
          total: bound,
          ...(record.resumed ? { earlier: yield* store.summary(record.id) } : {}),
        });
  if (monitor !== undefined && run.dashboard !== undefined) {
    const { port, host } = run.dashboard;
    const dashboard = yield* useDashboard({ source: monitor, port, host });
    console.error(`dashboard: ${dashboard.url}`);
  }
  const progress = yield* spawn(
    () => reportProgress(store, record.id, tally, run.progressMs, bound),
    { name: "progress line" },
  );
  let done = false;
  try {
    // Not spawned: halted (Ctrl-C, SIGTERM), the crawl puts its leases back before the summary.
    const result = yield* crawl({
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
    });
    done = true;
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
  } finally {
    if (!done) {
      // Interrupted: what was done, and how to go on.
      yield* progress.halt();
      const summary = yield* store.summary(record.id);
      if (!run.json) console.log(formatSummary(run.options.name, summary, Date.now() - started));
      console.error(
        `interrupted; resume with: ${run.resumeHint ?? `skein-scrape crawl --name ${record.name}`}`,
      );
    }
  }
}

/** The command that resumes crawl `name` in database `db`. */
function resumeCommand(name: string, db: string): string {
  const quoted = (text: string) =>
    /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
  const where = db.endsWith(`/${DEFAULT_DB}`) ? "" : ` --db ${quoted(db)}`;
  return `skein-scrape crawl --name ${quoted(name)}${where}`;
}

/**
 * A crawl that ran to its end has nothing left to do: say so instead of silently doing nothing.
 * Returns true when the run should stop there.
 */
function alreadyFinished(crawl: CrawlListing): boolean {
  if (crawl.finishedAt === null || crawl.waiting > 0) return false;
  console.error(
    `crawl ${crawl.name} already finished: ${crawl.finished} pages; use --name for a new crawl, \`skein-scrape recrawl ${crawl.name}\` to start it over, or --reconfigure to go on with other options`,
  );
  return true;
}

/** Internal to the CLI. `skein-scrape crawl`. */
export function* crawlCommand(argv: string[]): Operation<void> {
  const args = parseCrawlArgs(argv);
  if (args.help) {
    console.log(CRAWL_HELP);
    return;
  }
  const { name, db } = args;
  // Loaded before the database is opened: a broken module creates no crawl.
  const code = args.extractor === undefined ? {} : yield* loadUserCode(args.extractor, "extractor");
  const store = yield* createCrawlStore(yield* useDatabase(db));
  // This process holds an embedded data directory: `status` beside it asks here.
  const embedded = databaseOptions(db).embedded;
  if (typeof embedded === "object" && embedded.dataDir !== undefined) {
    yield* useStatusEndpoint(store, embedded.dataDir);
  }
  const existing = yield* store.list();
  const found = existing.find((crawl) => crawl.name === name);
  if (found !== undefined && args.options.reconfigure !== true && alreadyFinished(found)) return;
  const { record } = yield* resolveCrawl({ ...args.options, store });
  if (args.workers > 1) {
    const rest = args.args.filter(
      (a, i) =>
        a !== "--workers" &&
        args.args[i - 1] !== "--workers" &&
        !a.startsWith("--workers=") &&
        a !== "--out" &&
        args.args[i - 1] !== "--out" &&
        !a.startsWith("--out=") &&
        a !== "--db" &&
        args.args[i - 1] !== "--db" &&
        !a.startsWith("--db="),
    );
    // The crawl exists with its options now: the workers resume it by name.
    const childArgs = ["crawl", ...rest, "--name", name, "--db", db, "--json"];
    const started = Date.now();
    const restarts = { left: 5 * args.workers };
    const runs = yield* all(
      Array.from({ length: args.workers }, () => superviseChild(childArgs, restarts)),
    );
    const codes = runs.map((run) => run.signal ?? run.code);
    if (codes.some((code) => code !== 0)) throw new Error(`worker exit codes: ${codes.join(" ")}`);
    const summary = yield* store.summary(record.id);
    const processes = runs.map((run) => ({
      worker: run.report?.worker ?? "?",
      finishedHere: run.report?.finishedHere ?? 0,
    }));
    if (args.json) {
      console.log(JSON.stringify({ crawl: name, processes, ...summary }, null, 2));
    } else {
      console.log(formatSummary(name, summary, Date.now() - started));
      for (const { worker, finishedHere } of processes) {
        console.log(`worker ${worker}: ${finishedHere} URLs`);
      }
    }
    yield* exportTo(store, record.id, args.out, args.json);
    return;
  }
  const report = yield* crawlAndReport({
    store,
    out: args.out,
    json: args.json,
    progressMs: args.progressMs,
    dashboard: args.dashboard,
    resumeHint: resumeCommand(name, db),
    options: { ...args.options, ...code },
  });
  if (report.stopped) {
    yield* exit(130, `stopped from the dashboard; resume with: ${resumeCommand(name, db)}`);
  }
}
