import { normalizeUrl } from "../url/normalize-url.js";
import { createRandom } from "./random.js";

/**
 * Options of the generated site.
 *
 * @example
 * ```ts
 * import { createDemoSite, type DemoSiteOptions } from "@skein/scraper";
 *
 * const options: DemoSiteOptions = { pages: 100, seed: 7, slowMs: 0 };
 * const site = createDemoSite(options);
 * ```
 */
export interface DemoSiteOptions {
  /** Number of content pages (default 2000). */
  pages?: number;
  /** Seed of the link graph (default 1). */
  seed?: number;
  /** Delay of the slow pages in milliseconds (default 100). */
  slowMs?: number;
}

/**
 * What the demo server sends for one request.
 *
 * @example
 * ```ts
 * import { createDemoSite, type DemoResponse } from "@skein/scraper";
 *
 * const first: DemoResponse = createDemoSite().respond("/p/3", 1);
 * first.status; // 500: page 3 fails once, then answers 200
 * ```
 */
export interface DemoResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Wait this long before answering. */
  delayMs: number;
}

/**
 * The exact outcome a full, polite crawl of the site must produce.
 *
 * @example
 * ```ts
 * import { createDemoSite, type DemoExpectation } from "@skein/scraper";
 *
 * const expected: DemoExpectation = createDemoSite({ pages: 100 }).expect("http://127.0.0.1:8080");
 * expected.statuses.get("http://127.0.0.1:8080/"); // 200
 * ```
 */
export interface DemoExpectation {
  /** Every URL the crawl fetches (normalized), with the final status it sees. */
  statuses: Map<string, number>;
  /** URLs linked from pages but disallowed by robots.txt: never fetched. */
  disallowed: Set<string>;
}

/**
 * A deterministic web site for tests, benchmarks and the demo: thousands of pages with a
 * realistic link graph, duplicate URLs in different spellings, broken links, slow pages,
 * intermittent 500s and 429s (each page fails at most once), a robots.txt with disallowed
 * paths, a sitemap and some non-HTML files. The same options always give the same site, and
 * `expect(origin)` gives the exact result of a full crawl.
 *
 * @example
 * ```ts
 * import { createDemoSite } from "@skein/scraper";
 *
 * const site = createDemoSite({ pages: 100 });
 * const home = site.respond("/", 1);
 * home.status; // 200
 * ```
 */
export class DemoSite {
  readonly pages: number;
  private readonly seed: number;
  private readonly slowMs: number;

  constructor(options: DemoSiteOptions = {}) {
    const pages = options.pages ?? 2000;
    if (!Number.isInteger(pages) || pages < 1) {
      throw new TypeError(`pages must be a positive integer, got ${String(pages)}`);
    }
    this.pages = pages;
    this.seed = options.seed ?? 1;
    this.slowMs = options.slowMs ?? 100;
  }

  /** The robots.txt the site serves. */
  robotsTxt(): string {
    return [
      "# skein demo site",
      "User-agent: *",
      "Disallow: /private/",
      "Disallow: /*?print=1$",
      "",
      "Sitemap: /sitemap.xml",
      "",
    ].join("\n");
  }

  /** Outgoing hrefs of page `n`, as written in its HTML (some in odd spellings). */
  links(n: number): string[] {
    const random = createRandom(this.seed * 1_000_003 + n);
    const hrefs: string[] = [];
    if (n + 1 < this.pages) hrefs.push(`/p/${n + 1}`);
    const count = 3 + random.int(6);
    for (let i = 0; i < count; i++) {
      const target = random.int(this.pages);
      switch (random.int(8)) {
        case 0:
          hrefs.push(`/p/${target}?utm_source=demo&utm_medium=link`);
          break;
        case 1:
          hrefs.push(`/p/${target}#section-${i}`);
          break;
        case 2:
          hrefs.push(`/x/../p/${target}`);
          break;
        default:
          hrefs.push(`/p/${target}`);
      }
    }
    if (n % 10 === 3) hrefs.push(`/missing/${n}`);
    if (n % 25 === 7) hrefs.push(`/private/${n}`);
    if (n % 30 === 11) hrefs.push(`/p/${n}?print=1`);
    if (n % 40 === 13) hrefs.push(`/files/report-${n}.pdf`);
    hrefs.push("mailto:demo@example.invalid");
    return hrefs;
  }

  /** Whether page `n` answers slowly. */
  isSlow(n: number): boolean {
    return n % 101 === 50;
  }

  /** The status page `n` gives on its first attempt (500 or 429 for a few pages, else 200). */
  firstStatus(n: number): number {
    if (n % 97 === 3) return 500;
    if (n % 89 === 5) return 429;
    return 200;
  }

  /**
   * The response for `path` (with query) on its `attempt`-th request (1 for the first).
   */
  respond(path: string, attempt: number): DemoResponse {
    const url = new URL(path, "http://demo.invalid");
    const html = { "content-type": "text/html; charset=utf-8" };
    if (url.pathname === "/robots.txt") {
      return {
        status: 200,
        headers: { "content-type": "text/plain" },
        body: this.robotsTxt(),
        delayMs: 0,
      };
    }
    if (url.pathname === "/sitemap.xml") {
      const entries = Array.from(
        { length: Math.min(this.pages, 50) },
        (_, i) => `<url><loc>/p/${i * Math.max(1, Math.floor(this.pages / 50))}</loc></url>`,
      );
      const body = `<?xml version="1.0"?><urlset>${entries.join("")}</urlset>`;
      return { status: 200, headers: { "content-type": "application/xml" }, body, delayMs: 0 };
    }
    if (url.pathname === "/") {
      const body = page("Skein demo site", "The start page of the demo site.", [
        "/p/0",
        "/p/1",
        `/p/${Math.floor(this.pages / 2)}`,
        "/sitemap.xml",
      ]);
      return { status: 200, headers: html, body, delayMs: 0 };
    }
    const match = /^\/p\/(\d+)$/.exec(url.pathname);
    if (match !== null && url.search === "") {
      const n = Number(match[1]);
      if (n < this.pages) {
        const first = this.firstStatus(n);
        if (attempt === 1 && first === 429) {
          return {
            status: 429,
            headers: { "retry-after": "1", ...html },
            body: "slow down",
            delayMs: 0,
          };
        }
        if (attempt === 1 && first === 500) {
          return { status: 500, headers: html, body: "temporary failure", delayMs: 0 };
        }
        const body = page(`Page ${n}`, `Demo page number ${n}.`, this.links(n), `/p/${n}`);
        return { status: 200, headers: html, body, delayMs: this.isSlow(n) ? this.slowMs : 0 };
      }
    }
    const file = /^\/files\/report-(\d+)\.pdf$/.exec(url.pathname);
    if (file !== null) {
      return {
        status: 200,
        headers: { "content-type": "application/pdf" },
        body: `%PDF-1.4 demo ${file[1]}`,
        delayMs: 0,
      };
    }
    return { status: 404, headers: html, body: "not found", delayMs: 0 };
  }

  /**
   * The result of a full crawl from `origin` + "/" that obeys robots.txt, follows same-site
   * links only, retries 500/429 and parses only HTML.
   *
   * @param origin - e.g. "http://127.0.0.1:40123"
   */
  expect(origin: string): DemoExpectation {
    const statuses = new Map<string, number>();
    const disallowed = new Set<string>();
    const start = normalizeUrl("/", origin);
    const queue = [start];
    statuses.set(start, 200);
    const enqueue = (href: string, from: string) => {
      let url: string;
      try {
        url = normalizeUrl(href, from);
      } catch {
        return;
      }
      if (!url.startsWith(origin)) return;
      const parsed = new URL(url);
      const path = parsed.pathname + parsed.search;
      if (path.startsWith("/private/") || /\?print=1$/.test(path)) {
        disallowed.add(url);
        return;
      }
      if (statuses.has(url)) return;
      statuses.set(url, this.respond(path, 2).status);
      queue.push(url);
    };
    for (let i = 0; i < queue.length; i++) {
      const url = queue[i]!;
      const parsed = new URL(url);
      const response = this.respond(parsed.pathname + parsed.search, 2);
      if (response.status !== 200 || !response.headers["content-type"]?.startsWith("text/html")) {
        continue;
      }
      for (const href of hrefsOf(response.body)) enqueue(href, url);
    }
    return { statuses, disallowed };
  }
}

/**
 * Create a {@link DemoSite}.
 *
 * @example
 * ```ts
 * import { createDemoSite } from "@skein/scraper";
 *
 * const site = createDemoSite({ pages: 500, seed: 7 });
 * ```
 *
 * @param options - size, seed and slowness
 * @returns the site
 */
export function createDemoSite(options: DemoSiteOptions = {}): DemoSite {
  return new DemoSite(options);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
}

function page(title: string, description: string, hrefs: string[], canonical?: string): string {
  const links = hrefs.map((href, i) => `<li><a href="${escapeHtml(href)}">link ${i}</a></li>`);
  const filler = "<p>Structured concurrency keeps every task inside a scope.</p>".repeat(8);
  return [
    "<!doctype html><html><head>",
    `<title>${escapeHtml(title)}</title>`,
    `<meta name="description" content="${escapeHtml(description)}">`,
    canonical === undefined ? "" : `<link rel="canonical" href="${canonical}">`,
    "</head><body>",
    `<h1>${escapeHtml(title)}</h1>${filler}<ul>${links.join("")}</ul>`,
    "</body></html>",
  ].join("");
}

function hrefsOf(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, "&"));
}
