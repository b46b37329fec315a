import { run, until } from "@skein/core";
import { count } from "../format.js";
import { median, type Row, type RowOptions, type RowResult } from "../harness.js";
import { useHeavySite } from "../heavy-site.js";
import { type Crawler, type CrawlFigures, crawlInChild, serverUrl } from "./crawl.js";

/** One crawl by `kind` of a fresh heavy site of `pages` pages. */
function crawlOnce(kind: Crawler, pages: number, db?: string): Promise<CrawlFigures> {
  return run(function* () {
    const site = yield* useHeavySite({ pages });
    return yield* until(crawlInChild(kind, site.origin, db));
  });
}

const NOTE =
  "Heavy-page crawl: a generated documentation-like site (pages of about 100 KB of real markup with about 400 links each: a 120-entry sidebar, relative, absolute, fragment, external and mailto links, a robots.txt-disallowed search page) served from the bench process over loopback, 64 fetches in flight, each crawler in a child process of its own, the two taking turns; floor = fetch + htmlparser2 + p-limit(64), persisting nothing; Skein = skein-scrape's crawl() persisting every page, link and URL to the Postgres server of PGHOST/DATABASE_URL (embedded PGlite without one); the ratio is the floor's wall time over skein-scrape's, per run, median (min-max)";

/**
 * Rows: a full crawl of a heavy generated site by skein-scrape and by the plain fetch +
 * htmlparser2 + p-limit loop, taking turns `runs` times: wall time (median, with skein-scrape's
 * speed as a multiple of the loop's per run in the label), CPU time and peak RSS.
 */
export async function measureCrawlHeavy({ n, runs }: RowOptions): Promise<RowResult[]> {
  const db = serverUrl();
  const plain: CrawlFigures[] = [];
  const skein: CrawlFigures[] = [];
  for (let i = 0; i < runs; i++) {
    plain.push(await crawlOnce("plain", n));
    skein.push(await crawlOnce("skein", n, db));
  }
  const ratios = plain.map((p, i) => p.ms / skein[i]!.ms).sort((a, b) => a - b);
  const spread = `${median(ratios).toFixed(2)}x (${ratios[0]!.toFixed(2)}-${ratios.at(-1)!.toFixed(2)})`;
  const rate = (all: CrawlFigures[]) => median(all.map((f) => (f.pages / f.ms) * 1000)).toFixed(0);
  const where = db === undefined ? "embedded PGlite" : "a Postgres server";
  const figures = (pick: (f: CrawlFigures) => number) => ({
    floor: { value: median(plain.map(pick)), note: NOTE },
    skein: { value: median(skein.map(pick)) },
  });
  return [
    {
      label: `Crawl ${count(n)} heavy pages (100 KB, ~400 links), 64 in flight, skein-scrape on ${where} at ${spread} the plain loop: ${rate(skein)} pages/s (floor ${rate(plain)}; pages ${skein[0]!.pages}/${plain[0]!.pages})`,
      unit: "ms",
      n,
      item: "site page",
      figures: figures((f) => f.ms),
    },
    {
      label: `Heavy-page crawl on ${where}: CPU time of the crawling process`,
      unit: "ms",
      n,
      item: "site page",
      figures: figures((f) => f.cpuMs),
    },
    {
      label: `Heavy-page crawl on ${where}: peak RSS of the crawling process`,
      unit: "MB",
      n,
      item: "site page",
      figures: figures((f) => f.rssMb),
    },
  ];
}

export const crawlHeavyRow: Row = {
  id: "crawl-heavy",
  defaults: { n: 530, effectionN: 530, runs: 3 },
  measure: measureCrawlHeavy,
};
