import { accessSync, constants, existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { CrawlOptions } from "../crawl/crawl-options.js";
import { isUserAgent } from "../crawl/crawl-settings.js";
import { compilePattern } from "../crawl/url-filter.js";
import { databaseOptions } from "../store/database.js";
import { normalizeUrl } from "../url/normalize-url.js";
import { takeDashboardFlag } from "./dashboard-flag.js";
import { type ExportFormat, formatOf } from "./export-pages.js";
import { countOption, parseCliArgs } from "./parse-cli-args.js";
import { UsageError } from "./usage-error.js";

/** Internal to the CLI. The default embedded data directory. */
export const DEFAULT_DB = ".skein-scrape";

/** Internal to the CLI. The options of `crawl`, as `parseArgs` takes them. */
export const CRAWL_OPTIONS = {
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
  "allow-domain": { type: "string", multiple: true },
  timeout: { type: "string" },
  retries: { type: "string" },
  "max-attempts": { type: "string" },
  "user-agent": { type: "string" },
  "no-robots": { type: "boolean" },
  extractor: { type: "string" },
  "parse-workers": { type: "string" },
  workers: { type: "string" },
  out: { type: "string" },
  json: { type: "boolean" },
  progress: { type: "string" },
  reconfigure: { type: "boolean" },
  "dashboard-host": { type: "string" },
  sitemaps: { type: "boolean" },
  revalidate: { type: "boolean" },
  "keep-bodies": { type: "boolean" },
  header: { type: "string", multiple: true },
  cookie: { type: "string", multiple: true },
  help: { type: "boolean", short: "h" },
} as const;

/** Internal to the CLI. Where `--out` writes the pages when the crawl is done. */
export interface OutFile {
  path: string;
  format: ExportFormat;
}

/** Internal to the CLI. A checked `crawl` command line. */
export interface CrawlArgs {
  help: boolean;
  name: string;
  /** True when the name came from `--name`, not from the first URL's host. */
  named: boolean;
  db: string;
  out: OutFile | undefined;
  workers: number;
  json: boolean;
  progressMs: number | undefined;
  dashboard: { port: number; host?: string | undefined } | undefined;
  /** Resolved against the working directory. */
  extractor: string | undefined;
  parseWorkers: number | undefined;
  /** The arguments as given, minus `--dashboard`, for worker processes. */
  args: string[];
  options: Omit<CrawlOptions, "store" | "onPage" | "monitor" | "extractor">;
}

/**
 * Internal to the CLI. Check a `crawl` command line completely before anything is opened or
 * written: every value, the URLs, the `--db` location, the `--out` directory and the
 * `--extractor` file. Relative paths resolve against `cwd`.
 *
 * @throws UsageError naming the option and the value
 */
export function parseCrawlArgs(argv: string[], cwd = process.cwd()): CrawlArgs {
  const { args, port } = takeDashboardFlag(argv);
  const { values, positionals } = parseCliArgs(args, CRAWL_OPTIONS);
  const help = values.help === true;
  const seeds = positionals.map(seedOf);
  const named = values.name !== undefined;
  if (named && values.name!.trim() === "") throw new UsageError("--name must not be empty", "");
  const agent = values["user-agent"];
  if (agent !== undefined && !isUserAgent(agent)) {
    throw new UsageError("--user-agent must be a non-empty value on one line", agent);
  }
  const name = values.name ?? (seeds[0] === undefined ? undefined : new URL(seeds[0]).host);
  if (name === undefined && !help) {
    throw new UsageError("crawl needs a URL, or --name to resume a crawl", args);
  }
  const db = databaseOf(values.db, cwd);
  const workers = countOption("workers", values.workers, 1) ?? 1;
  if (workers > 1) {
    if (port !== undefined) {
      throw new UsageError("--dashboard watches one process: use it without --workers", workers);
    }
    if (!/^postgres(ql)?:\/\//i.test(db)) {
      throw new UsageError(
        `--workers ${workers} needs a Postgres server (--db postgres://...): an embedded database can be opened by one process only`,
        db,
      );
    }
  }
  for (const [flag, patterns] of [
    ["include", values.include],
    ["exclude", values.exclude],
  ] as const) {
    for (const pattern of patterns ?? []) {
      try {
        compilePattern(pattern);
      } catch {
        throw new UsageError(
          `--${flag} ${JSON.stringify(pattern)} is not a valid /regular expression/`,
          pattern,
        );
      }
    }
  }
  for (const domain of values["allow-domain"] ?? []) {
    if (!/^\.?[a-z0-9-]+(\.[a-z0-9-]+)*$/i.test(domain)) {
      throw new UsageError(
        `--allow-domain expects a domain name, got ${JSON.stringify(domain)}`,
        domain,
      );
    }
  }
  const extractor = values.extractor === undefined ? undefined : resolve(cwd, values.extractor);
  if (extractor !== undefined && !existsSync(extractor)) {
    throw new UsageError(
      `--extractor ${JSON.stringify(values.extractor)}: no such file`,
      values.extractor,
    );
  }
  const parseWorkers = countOption("parse-workers", values["parse-workers"], 1);
  const headers = headersOf(values.header ?? []);
  const cookies = cookiesOf(values.cookie ?? []);
  return {
    help,
    name: name ?? "",
    named,
    db,
    out: outFileOf(values.out, cwd),
    workers,
    json: values.json === true,
    progressMs: countOption("progress", values.progress, 1),
    dashboard: port === undefined ? undefined : { port, host: values["dashboard-host"] },
    extractor,
    parseWorkers,
    args,
    options: {
      name: name ?? "",
      seeds,
      concurrency: countOption("concurrency", values.concurrency, 1),
      perHost: countOption("per-host", values["per-host"], 1),
      delayMs: countOption("delay", values.delay, 0),
      maxPages: countOption("max-pages", values["max-pages"], 1),
      maxDepth: countOption("max-depth", values["max-depth"], 0),
      include: values.include,
      exclude: values.exclude,
      followExternal: values["follow-external"],
      allowDomains: values["allow-domain"],
      timeoutMs: countOption("timeout", values.timeout, 1),
      retries: countOption("retries", values.retries, 0),
      maxAttempts: countOption("max-attempts", values["max-attempts"], 1),
      userAgent: values["user-agent"],
      robots: values["no-robots"] === true ? false : undefined,
      parser: parseWorkers === undefined ? undefined : { workers: parseWorkers },
      reconfigure: values.reconfigure,
      sitemaps: values.sitemaps,
      revalidate: values.revalidate,
      keepBodies: values["keep-bodies"],
      headers,
      cookies,
    },
  };
}

/** An HTTP token (RFC 9110): what header and cookie names are made of. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `--header "Name: value"`, each checked; undefined when none is given. */
export function headersOf(given: readonly string[]): Record<string, string> | undefined {
  if (given.length === 0) return undefined;
  const headers: Record<string, string> = {};
  for (const raw of given) {
    const colon = raw.indexOf(":");
    const name = raw.slice(0, colon).trim();
    if (colon < 0 || !TOKEN.test(name)) {
      throw new UsageError(`--header expects "Name: value", got ${JSON.stringify(raw)}`, raw);
    }
    const lower = name.toLowerCase();
    if (lower === "user-agent" || lower === "host" || lower === "content-length") {
      throw new UsageError(`--header cannot set ${name} (use --user-agent for the agent)`, raw);
    }
    headers[lower] = raw.slice(colon + 1).trim();
  }
  return headers;
}

/** `--cookie name=value`, each checked; undefined when none is given. */
export function cookiesOf(given: readonly string[]): Record<string, string> | undefined {
  if (given.length === 0) return undefined;
  const cookies: Record<string, string> = {};
  for (const raw of given) {
    const equals = raw.indexOf("=");
    const name = raw.slice(0, equals);
    const value = raw.slice(equals + 1);
    if (equals < 1 || !TOKEN.test(name) || /[\s;,"\\]/.test(value)) {
      throw new UsageError(`--cookie expects name=value, got ${JSON.stringify(raw)}`, raw);
    }
    cookies[name] = value;
  }
  return cookies;
}

/** A start URL, normalized, with a hint when the scheme was left out. */
export function seedOf(raw: string): string {
  try {
    return normalizeUrl(raw);
  } catch {
    const hint = /^[a-z0-9.-]+\.[a-z]{2,}(:\d+)?(\/.*)?$/i.test(raw)
      ? ` (did you mean https://${raw}${raw.includes("/") ? "" : "/"}?)`
      : "";
    throw new UsageError(`${JSON.stringify(raw)} is not an http(s) URL${hint}`, raw);
  }
}

/** `--db`, checked; a directory resolved against `cwd`. */
export function databaseOf(value: string | undefined, cwd: string): string {
  const location = value ?? DEFAULT_DB;
  if (location.trim() === "") throw new UsageError("--db must not be empty", location);
  try {
    databaseOptions(location);
  } catch (error) {
    throw new UsageError((error as Error).message, location);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return location;
  return resolve(cwd, location);
}

/** The `--out` file, checked before anything is crawled rather than after. */
export function outFileOf(path: string | undefined, cwd: string): OutFile | undefined {
  if (path === undefined) return undefined;
  const format = formatOf(path);
  if (format === undefined) {
    throw new UsageError(`--out ${JSON.stringify(path)} must end in .jsonl or .csv`, path);
  }
  const full = resolve(cwd, path);
  try {
    if (existsSync(full) && statSync(full).isDirectory()) throw new Error("EISDIR");
    accessSync(existsSync(full) ? full : dirname(full), constants.W_OK);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`--out ${JSON.stringify(path)} cannot be written (${reason})`, path);
  }
  return { path: full, format };
}
