import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { run, until } from "@skein/core";
import { useDemoServer } from "@skein/scraper";
import { count } from "../format.js";
import type { Row, RowOptions, RowResult } from "../harness.js";

const CONCURRENCY = 64;
const child = fileURLToPath(new URL("../crawl-child.ts", import.meta.url));
const packageRoot = fileURLToPath(new URL("../..", import.meta.url));

/** Internal. Which crawler a child process runs. */
export type Crawler = "skein" | "plain" | "crawlee";

/** Internal. The server `skein-scrape` also persists to, when `DATABASE_URL` or `PGHOST` names one. */
export function serverUrl(): string | undefined {
  const env = process.env;
  if (env.DATABASE_URL !== undefined) return env.DATABASE_URL;
  if (env.PGHOST === undefined) return undefined;
  const user = encodeURIComponent(env.PGUSER ?? "postgres");
  return `postgres://${user}@${env.PGHOST}:${env.PGPORT ?? 5432}/${env.PGDATABASE ?? "postgres"}`;
}

/** Internal. What one crawl in its own process reports. */
export interface CrawlFigures {
  pages: number;
  ms: number;
  cpuMs: number;
  rssMb: number;
}

/** Internal. Crawl `origin` from `/` with `kind` in a child process of its own. */
export function crawlInChild(kind: Crawler, origin: string, db?: string): Promise<CrawlFigures> {
  return new Promise((resolve, reject) => {
    const process_ = spawn(
      process.execPath,
      [
        "--conditions=development",
        "--import",
        "tsx",
        child,
        kind,
        origin,
        String(CONCURRENCY),
        ...(db === undefined ? [] : [db]),
      ],
      { cwd: packageRoot, stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    process_.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    process_.once("error", reject);
    process_.once("exit", (code) => {
      const line = /^RESULT (.*)$/m.exec(out);
      if (code !== 0 || line === null) {
        reject(new Error(`the ${kind} crawl exited with code ${code}:\n${out}`));
      } else {
        resolve(JSON.parse(line[1]!) as CrawlFigures);
      }
    });
  });
}

/** One crawl by `kind` of a fresh demo server of `pages` pages. */
function crawlOnce(kind: Crawler, pages: number, db?: string): Promise<CrawlFigures> {
  return run(function* () {
    const server = yield* useDemoServer({ pages, slowMs: 20 });
    return yield* until(crawlInChild(kind, server.origin, db));
  });
}

/**
 * The fastest of each contender's `runs` crawls, taken in turns so that drifting load on the
 * machine falls on all of them alike.
 */
async function measureAll(
  contenders: readonly { kind: Crawler; db?: string }[],
  pages: number,
  runs: number,
): Promise<CrawlFigures[]> {
  const best: (CrawlFigures | undefined)[] = contenders.map(() => undefined);
  for (let i = 0; i < runs; i++) {
    for (const [j, { kind, db }] of contenders.entries()) {
      const figures = await crawlOnce(kind, pages, db);
      if (best[j] === undefined || figures.ms < best[j].ms) best[j] = figures;
    }
  }
  return best as CrawlFigures[];
}

const NOTE =
  "Crawl rows: the demo site (`@skein/scraper`, one-time 500s and 429s with Retry-After: 1, slow pages, robots.txt) served from the bench process over loopback, 64 fetches in flight, each crawler in a child process of its own, the crawlers taking turns and each row the fastest of its runs (CPU and peak RSS are that process's, PGlite's worker thread included); floor = fetch + htmlparser2 + p-limit(64), persisting nothing; Promise = Crawlee 3 CheerioCrawler with maxConcurrency 64 and respectRobotsTxtFile (otherwise defaults: autoscaled pool, request queue on disk); Skein = skein-scrape's engine (crawl() with its store) persisting every page, link and URL to embedded PGlite in a data directory, or to the Postgres server of PGHOST/DATABASE_URL when set (the server's own CPU and memory are not counted)";

/**
 * Rows: a full crawl of the demo site by skein-scrape (persisting to embedded Postgres), a plain
 * fetch + htmlparser2 + p-limit loop (floor) and Crawlee's CheerioCrawler (Promise column): wall
 * time with pages/s in the label, CPU time, peak RSS.
 */
export async function measureCrawl({ n, runs }: RowOptions): Promise<RowResult[]> {
  const url = serverUrl();
  const [plain, crawlee, embedded, server] = await measureAll(
    [
      { kind: "plain" },
      { kind: "crawlee" },
      { kind: "skein" },
      ...(url === undefined ? [] : [{ kind: "skein" as const, db: url }]),
    ],
    n,
    runs,
  );
  if (plain === undefined || crawlee === undefined || embedded === undefined) {
    throw new Error("a crawler was not measured");
  }
  const rate = (f: CrawlFigures) => ((f.pages / f.ms) * 1000).toFixed(0);
  const lines = (skein: CrawlFigures, where: string): RowResult[] => {
    const figures = (pick: (f: CrawlFigures) => number) => ({
      floor: { value: pick(plain), note: NOTE },
      promise: { value: pick(crawlee) },
      skein: { value: pick(skein) },
    });
    return [
      {
        label: `Crawl ${count(n)}-page demo site, 64 in flight, skein-scrape on ${where}: ${rate(skein)} pages/s (floor ${rate(plain)}, Crawlee ${rate(crawlee)}; pages ${skein.pages}/${plain.pages}/${crawlee.pages})`,
        unit: "ms",
        n,
        item: "site page",
        figures: figures((f) => f.ms),
      },
      {
        label: `Crawl on ${where}: CPU time of the crawling process`,
        unit: "ms",
        n,
        item: "site page",
        figures: figures((f) => f.cpuMs),
      },
      {
        label: `Crawl on ${where}: peak RSS of the crawling process`,
        unit: "MB",
        n,
        item: "site page",
        figures: figures((f) => f.rssMb),
      },
    ];
  };
  return [
    ...lines(embedded, "embedded PGlite"),
    ...(server === undefined ? [] : lines(server, "a Postgres server")),
  ];
}

export const crawlRow: Row = {
  id: "crawl",
  defaults: { n: 2000, effectionN: 2000, runs: 3 },
  measure: measureCrawl,
};
