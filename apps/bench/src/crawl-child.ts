// One crawl of the demo site in a process of its own, so that its CPU time and peak RSS are its
// own: `tsx crawl-child.ts <skein|plain|crawlee> <origin> <concurrency> [db]`. Prints one line,
// `RESULT {"pages":…,"ms":…,"cpuMs":…,"rssMb":…}`, on stdout.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "@skein/core";
import { crawl, createCrawlStore, normalizeUrl, parseRobots, useDatabase } from "@skein/scraper";
import { Parser } from "htmlparser2";
import pLimit from "p-limit";

const [kind, origin, concurrencyText, db] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
if (origin === undefined || !Number.isInteger(concurrency)) {
  throw new TypeError("usage: crawl-child.ts <skein|plain|crawlee> <origin> <concurrency> [db]");
}
const start = `${origin}/`;
const USER_AGENT = "skein-bench";

async function skein(): Promise<number> {
  const dir = db === undefined ? mkdtempSync(join(tmpdir(), "skein-bench-")) : undefined;
  try {
    return await run(function* () {
      const store = yield* createCrawlStore(yield* useDatabase(dir ?? db));
      const result = yield* crawl({
        store,
        // A server database keeps earlier runs' crawls, and a port comes round again.
        name: `bench-${origin}-${process.pid}-${Date.now()}`,
        seeds: [start],
        concurrency,
        perHost: concurrency,
        ...(process.env.SKEIN_PARSER === undefined
          ? {}
          : { parser: JSON.parse(process.env.SKEIN_PARSER) }),
      });
      return result.finished;
    });
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}

function linksOf(html: string): string[] {
  const hrefs: string[] = [];
  const parser = new Parser({
    onopentag(name, attributes) {
      if (name === "a" && attributes.href !== undefined) hrefs.push(attributes.href);
    },
  });
  parser.end(html);
  return hrefs;
}

async function plain(): Promise<number> {
  const robots = parseRobots(await (await fetch(`${origin}/robots.txt`)).text(), USER_AGENT);
  const limit = pLimit(concurrency);
  const seen = new Set([normalizeUrl(start)]);
  const visits: Promise<void>[] = [];
  let pages = 0;
  const visit = async (url: string): Promise<void> => {
    let response: Response | undefined;
    for (let attempt = 0; attempt <= 3; attempt++) {
      try {
        response = await fetch(url, { headers: { "user-agent": USER_AGENT } });
      } catch (error) {
        // A kept-alive socket the server closed meanwhile: retried, as skein-scrape does.
        if (attempt === 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 << attempt));
        continue;
      }
      if (response.status !== 429 && response.status < 500) break;
      await response.arrayBuffer();
      const wait = Number(response.headers.get("retry-after") ?? 0) * 1000 || 100 << attempt;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    pages++;
    if (!response?.headers.get("content-type")?.startsWith("text/html")) {
      await response?.arrayBuffer();
      return;
    }
    for (const href of linksOf(await response.text())) {
      let link: string;
      try {
        link = normalizeUrl(href, url);
      } catch {
        continue;
      }
      const target = new URL(link);
      if (target.origin !== origin || seen.has(link)) continue;
      if (!robots.allows(target.pathname + target.search)) continue;
      seen.add(link);
      visits.push(limit(() => visit(link)));
    }
  };
  visits.push(limit(() => visit(normalizeUrl(start))));
  for (let i = 0; i < visits.length; i++) await visits[i];
  return pages;
}

async function crawlee(): Promise<number> {
  const storage = mkdtempSync(join(tmpdir(), "crawlee-bench-"));
  process.env.CRAWLEE_STORAGE_DIR = storage;
  const { CheerioCrawler, log } = await import("@crawlee/cheerio");
  log.setLevel(log.LEVELS.OFF);
  let pages = 0;
  try {
    const crawler = new CheerioCrawler({
      maxConcurrency: concurrency,
      respectRobotsTxtFile: true,
      async requestHandler({ enqueueLinks }) {
        pages++;
        await enqueueLinks();
      },
      failedRequestHandler() {
        pages++;
      },
    });
    await crawler.run([start]);
    return pages;
  } finally {
    rmSync(storage, { recursive: true, force: true });
  }
}

const began = performance.now();
const pages = await (kind === "skein" ? skein() : kind === "plain" ? plain() : crawlee());
const ms = performance.now() - began;
const usage = process.resourceUsage();
const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
const rssMb = usage.maxRSS / 1024;
process.stdout.write(`RESULT ${JSON.stringify({ pages, ms, cpuMs, rssMb })}\n`);
