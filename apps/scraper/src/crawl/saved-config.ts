import type { Operation } from "@skein/core";
import type { CrawlRecord } from "../store/crawl-store.js";
import { normalizeUrl } from "../url/normalize-url.js";
import { CrawlConfigConflictError } from "./crawl-config-conflict-error.js";
import type { CrawlOptions } from "./crawl-options.js";
import { InvalidCrawlOptionError } from "./invalid-crawl-option-error.js";
import { compilePattern } from "./url-filter.js";

/** Options that belong to one process, not to the crawl: never saved, never compared. */
const LOCAL = new Set([
  "store",
  "extractor",
  "handler",
  "itemSchema",
  "handlerTimeoutMs",
  "onPage",
  "monitor",
  "worker",
  "lookup",
  "parser",
  "pollMs",
  "reclaimMs",
  "reconfigure",
]);

/** Internal to the crawl. The options a crawl saves in `crawls.config`, seeds normalized. */
export function savedConfigOf(
  options: CrawlOptions,
  seeds: readonly string[],
): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (!LOCAL.has(key) && value !== undefined) config[key] = value;
  }
  config.seeds = [...seeds];
  return config;
}

/** Equal as JSON, whatever the order of object keys (jsonb keeps them in an order of its own). */
function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return Object.fromEntries(entries.map(([key, item]) => [key, canonical(item)]));
}

/**
 * Internal to the crawl. The options a resumed crawl runs with: every saved option the caller
 * left unset, and the caller's own. A value given that differs from the saved one is a
 * {@link CrawlConfigConflictError}, unless `reconfigure`; seeds given that the crawl does not
 * already have are a conflict too. Returns the options and the config to save (when changed).
 */
export function mergeSavedConfig(
  crawl: string,
  saved: unknown,
  given: CrawlOptions,
  seeds: readonly string[],
): { options: CrawlOptions; config?: Record<string, unknown> } {
  const old = (saved ?? {}) as Record<string, unknown>;
  const oldSeeds = Array.isArray(old.seeds) ? (old.seeds as string[]) : [];
  const fresh = savedConfigOf(given, seeds);
  const reconfigure = given.reconfigure === true;
  const merged: Record<string, unknown> = { ...old };
  let changed = false;
  for (const [key, value] of Object.entries(fresh)) {
    if (key === "seeds") continue;
    if (key in old && same(old[key], value)) continue;
    // An option the crawl was started without is added: only a changed value is a conflict.
    if (!(key in old)) {
      merged[key] = value;
      changed = true;
      continue;
    }
    if (!reconfigure) throw new CrawlConfigConflictError(crawl, key, old[key], value);
    merged[key] = value;
    changed = true;
  }
  const added = seeds.filter((seed) => !oldSeeds.includes(seed));
  if (added.length > 0) {
    if (!reconfigure) throw new CrawlConfigConflictError(crawl, "seeds", oldSeeds, [...seeds]);
    merged.seeds = [...oldSeeds, ...added];
    changed = true;
  }
  const options = { ...given } as Record<string, unknown>;
  for (const [key, value] of Object.entries(merged)) {
    if (key !== "seeds" && options[key] === undefined) options[key] = value;
  }
  options.seeds = merged.seeds ?? oldSeeds;
  return {
    options: options as unknown as CrawlOptions,
    ...(changed ? { config: merged } : {}),
  };
}

/** The numeric options, their least value, and whether Infinity means "no limit". */
const NUMBERS: [keyof CrawlOptions, number][] = [
  ["concurrency", 1],
  ["perHost", 1],
  ["delayMs", 0],
  ["maxPages", 1],
  ["maxDepth", 0],
  ["timeoutMs", 1],
  ["retries", 0],
  ["maxBytes", 1],
  ["maxRedirects", 0],
  ["leaseMs", 1],
  ["maxAttempts", 1],
  ["pollMs", 1],
  ["reclaimMs", 1],
  ["maxHosts", 1],
];

/**
 * Internal to the crawl. Check every option before anything is written: numbers in range,
 * patterns that compile, seeds that are crawlable URLs.
 *
 * @throws InvalidCrawlOptionError or InvalidUrlError naming the option and its value
 */
export function validateCrawlOptions(options: CrawlOptions): void {
  for (const [name, min] of NUMBERS) {
    const value = options[name];
    if (value === undefined) continue;
    if (
      typeof value !== "number" ||
      !(Number.isInteger(value) || value === Number.POSITIVE_INFINITY) ||
      value < min
    ) {
      throw new InvalidCrawlOptionError(name, value, `an integer >= ${min}`);
    }
  }
  for (const pattern of [...(options.include ?? []), ...(options.exclude ?? [])]) {
    compilePattern(pattern);
  }
  for (const seed of options.seeds) normalizeUrl(seed);
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (!TOKEN.test(name)) throw new InvalidCrawlOptionError("headers", name, "a header name");
    if (typeof value !== "string" || /[\r\n\0]/.test(value)) {
      throw new InvalidCrawlOptionError("headers", value, "a header value on one line");
    }
  }
  for (const [name, value] of Object.entries(options.cookies ?? {})) {
    if (!TOKEN.test(name)) throw new InvalidCrawlOptionError("cookies", name, "a cookie name");
    if (typeof value !== "string" || /[\s;,"\\\0]/.test(value)) {
      throw new InvalidCrawlOptionError("cookies", value, 'a cookie value (no space, ; , " or \\)');
    }
  }
}

/** An HTTP token (RFC 9110), as header and cookie names must be. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Internal to the crawl. Check the options, then create the crawl or find it: a crawl found
 * runs with its saved options merged in ({@link mergeSavedConfig}); with no seeds the crawl
 * must exist already (a `CrawlNotFoundError` otherwise).
 */
export function* resolveCrawl(
  given: CrawlOptions,
): Operation<{ record: CrawlRecord; options: CrawlOptions }> {
  validateCrawlOptions(given);
  const { store, name } = given;
  const seeds = given.seeds.map((seed) => normalizeUrl(seed));
  const entries = (urls: readonly string[]) =>
    urls.map((url) => ({ url, host: new URL(url).host, depth: 0 }));
  const record =
    seeds.length === 0
      ? yield* store.find(name)
      : yield* store.open(name, savedConfigOf(given, seeds), entries(seeds));
  if (!record.resumed) return { record, options: { ...given, seeds } };
  const { options, config } = mergeSavedConfig(name, record.config, given, seeds);
  if (config === undefined) return { record, options };
  const before = new Set(
    Array.isArray((record.config as { seeds?: unknown })?.seeds)
      ? (record.config as { seeds: string[] }).seeds
      : [],
  );
  yield* store.reconfigure(record.id, config, entries(seeds.filter((s) => !before.has(s))));
  return { record: { ...record, config, finishedAt: null }, options };
}
