import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { type Operation, timeout, until } from "@skein/core";
import type { HttpClient } from "@skein/http";
import { parseRobots } from "../robots/robots.js";
import { tryNormalizeUrl } from "../url/normalize-url.js";
import { parseSitemap } from "./parse-sitemap.js";

const gunzipAsync = promisify(gunzip);

/**
 * How {@link readSitemaps} looks for sitemaps. Defaults: 15 s per file, 50 MiB per file
 * (decompressed, the protocol's own limit), 100 sitemap files and 100 000 URLs in all.
 *
 * @example
 * ```ts
 * import type { SitemapOptions } from "@skein/scraper";
 *
 * const options: Omit<SitemapOptions, "client"> = { origins: ["https://example.com"], maxUrls: 5000 };
 * ```
 */
export interface SitemapOptions {
  /** A client from `useHttpClient()` (`@skein/http`). */
  client: HttpClient;
  /** Origins (`https://example.com`) whose robots.txt and `/sitemap.xml` are read. */
  origins: readonly string[];
  userAgent?: string;
  /** Sent with every request (cookies, authorization). */
  headers?: Record<string, string>;
  timeoutMs?: number;
  maxBytes?: number;
  maxSitemaps?: number;
  maxUrls?: number;
}

/** A page URL a sitemap lists, normalized, with the sitemap that listed it. */
export interface SitemapUrl {
  url: string;
  lastmod?: string;
  sitemap: string;
}

/** What {@link readSitemaps} found, and the sitemaps it could not read (with a reason). */
export interface SitemapsFound {
  urls: SitemapUrl[];
  /** Every sitemap file read, indexes included. */
  sitemaps: string[];
  failed: { sitemap: string; error: string }[];
}

/**
 * Find the page URLs the sitemaps of `origins` list: each origin's robots.txt `Sitemap:` lines
 * and its `/sitemap.xml`, following sitemap indexes (each file read once) and decompressing
 * gzip files (`.xml.gz`, or any body that starts as gzip does). A sitemap that cannot be read
 * (a 404, a timeout, bad gzip) is listed in `failed` and the others are still read. URLs are
 * normalized; duplicates keep their first entry.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { useHttpClient } from "@skein/http";
 * import { readSitemaps } from "@skein/scraper";
 *
 * await run(function* () {
 *   const client = yield* useHttpClient();
 *   const found = yield* readSitemaps({ client, origins: ["https://example.com"] });
 *   for (const { url, lastmod } of found.urls) console.log(url, lastmod ?? "");
 * });
 * ```
 *
 * @param options - see {@link SitemapOptions}
 * @returns the URLs, the sitemaps read, and the ones that failed
 */
export function* readSitemaps(options: SitemapOptions): Operation<SitemapsFound> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxBytes = options.maxBytes ?? 50 * 1024 * 1024;
  const maxSitemaps = options.maxSitemaps ?? 100;
  const maxUrls = options.maxUrls ?? 100_000;
  const headers = {
    ...(options.userAgent === undefined ? {} : { "user-agent": options.userAgent }),
    ...options.headers,
  };
  const found: SitemapsFound = { urls: [], sitemaps: [], failed: [] };
  const seen = new Set<string>();
  const queue: string[] = [];
  const add = (raw: string, base: string) => {
    const url = tryNormalizeUrl(raw, base);
    if (url !== undefined && !seen.has(url)) {
      seen.add(url);
      queue.push(url);
    }
  };
  for (const origin of options.origins) {
    const token = options.userAgent?.split("/")[0] ?? "*";
    const robots = yield* fetchSitemap(
      options.client,
      `${origin}/robots.txt`,
      headers,
      timeoutMs,
      512 * 1024,
    );
    if ("text" in robots) {
      for (const sitemap of parseRobots(robots.text, token).sitemaps) add(sitemap, origin);
    }
    add("/sitemap.xml", origin);
  }
  const listed = new Set<string>();
  while (queue.length > 0 && found.sitemaps.length < maxSitemaps && found.urls.length < maxUrls) {
    const sitemap = queue.shift()!;
    const read = yield* fetchSitemap(options.client, sitemap, headers, timeoutMs, maxBytes);
    if ("error" in read) {
      found.failed.push({ sitemap, error: read.error });
      continue;
    }
    found.sitemaps.push(sitemap);
    const parsed = parseSitemap(read.text);
    for (const child of parsed.sitemaps) add(child.loc, sitemap);
    for (const entry of parsed.urls) {
      const url = tryNormalizeUrl(entry.loc, sitemap);
      if (url === undefined || listed.has(url)) continue;
      listed.add(url);
      found.urls.push(
        entry.lastmod === undefined ? { url, sitemap } : { url, lastmod: entry.lastmod, sitemap },
      );
      if (found.urls.length >= maxUrls) break;
    }
  }
  return found;
}

function* fetchSitemap(
  client: HttpClient,
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
  maxBytes: number,
): Operation<{ text: string } | { error: string }> {
  try {
    return yield* timeout(
      timeoutMs,
      (function* () {
        const response = yield* client.get(url, {
          headers,
          retry: false,
          maxResponseBytes: maxBytes,
        });
        if (!response.ok) return { error: `status ${response.status}` };
        let body = yield* response.bytes();
        // A gzip sitemap is served as a gzip file, not with a content-encoding the client undid.
        if (body[0] === 0x1f && body[1] === 0x8b) {
          body = yield* until(gunzipAsync(body, { maxOutputLength: maxBytes }));
        }
        return { text: new TextDecoder().decode(body) };
      })(),
    );
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return { error: typeof code === "string" ? code : (error as Error).message };
  }
}
