import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { type Operation, until } from "@skein/core";
import type { ItemSchema } from "../crawler/item-schema.js";
import { type HandlerOutcome, type PageHandler, runHandler } from "../crawler/run-handler.js";
import type {
  ClaimedUrl,
  Completion,
  FoundUrl,
  PageRecord,
  StoredBody,
} from "../store/crawl-store.js";
import type { Fetched } from "./fetch-page.js";
import type { KnownUrls } from "./known-urls.js";
import type { PageParser } from "./use-page-parser.js";

/** Internal to the crawl. What the parse stage runs on each page, and what it may enqueue. */
export interface ParseStageOptions {
  parse: PageParser;
  /** The `extractor` option, as a handler (see `extractorHandler()`). */
  extractor: PageHandler | undefined;
  handler: PageHandler | undefined;
  itemSchema: ItemSchema | undefined;
  handlerTimeoutMs: number;
  maxDepth: number;
  known: KnownUrls;
  /** Whether `link` is in the crawl's scope (hosts, include, exclude). */
  inScope(link: string): boolean;
  /**
   * Whether robots.txt (if already read for its origin) lets `found` be crawled; a link in
   * scope that it disallows joins the frontier as skipped, so that it is counted.
   */
  robotsAllows(found: URL): boolean;
  /** Keep each page's validators (and follow a 304 with its kept links). */
  revalidate: boolean;
  /** Keep each page's body, compressed. */
  keepBodies: boolean;
  /** The links a page had when it was kept. */
  keptLinks(url: string): Operation<string[]>;
}

const gzipAsync = promisify(gzip);

/**
 * Internal to the crawl. The parse stage: a fetched page becomes its stored record, the items
 * of its extractor or handler, and the URLs it adds to the frontier.
 */
export type ParseStage = (url: ClaimedUrl, fetched: Fetched) => Operation<Completion>;

/** Internal to the crawl. Make the parse stage. */
export function createParseStage(options: ParseStageOptions): ParseStage {
  const { parse, extractor, handler, known, inScope, robotsAllows, maxDepth } = options;
  /** `link` as it joins the frontier (skipped if robots.txt disallows it), or undefined. */
  function admitted(link: string): FoundUrl | undefined {
    if (!inScope(link)) return undefined;
    const found = new URL(link);
    return robotsAllows(found)
      ? { url: link, host: found.host }
      : { url: link, host: found.host, skipped: true };
  }
  /** The page's links that may join the frontier, one level deeper, and are not there yet. */
  function followed(url: ClaimedUrl, links: readonly string[], skip: Set<string>): FoundUrl[] {
    const enqueue: FoundUrl[] = [];
    if (url.depth + 1 > maxDepth) return enqueue;
    for (const link of links) {
      if (known.has(link) || skip.has(link)) continue;
      const found = admitted(link);
      if (found !== undefined) enqueue.push(found);
    }
    return enqueue;
  }
  /** The final URL, for the page's row, when redirects led elsewhere. */
  const finalOf = (url: ClaimedUrl, fetched: Fetched) =>
    fetched.finalUrl === url.url ? {} : { finalUrl: fetched.finalUrl };
  return function* parseStage(url, fetched) {
    const page: PageRecord = {
      status: fetched.status,
      content_type: fetched.contentType,
      title: null,
      description: null,
      canonical: null,
      bytes: fetched.bytes,
      elapsed_ms: fetched.elapsedMs,
      retries: fetched.retries,
      error: fetched.error,
      item: null,
    };
    if (fetched.status === 304 && options.revalidate) {
      // Not modified since it was kept: its kept links stand for it, nothing is parsed.
      const links = yield* options.keptLinks(url.url);
      return {
        state: "done",
        page,
        links,
        enqueue: followed(url, links, new Set()),
        ...finalOf(url, fetched),
      };
    }
    if (fetched.body === undefined || fetched.status === null) {
      return { state: fetched.error === null ? "done" : "failed", page, ...finalOf(url, fetched) };
    }
    const body = fetched.body;
    const stored = yield* storedOf(fetched, options);
    const keep = extractor !== undefined || handler !== undefined;
    const facts = yield* parse(body, fetched.contentType, fetched.finalUrl, keep);
    page.title = facts.title ?? null;
    page.description = facts.description ?? null;
    page.canonical = facts.canonical ?? null;
    const input = {
      url: url.url,
      finalUrl: fetched.finalUrl,
      status: fetched.status,
      headers: fetched.headers ?? {},
      depth: url.depth,
      label: url.label ?? undefined,
      userData: url.userData ?? undefined,
      facts,
      body,
      contentType: fetched.contentType,
    };
    if (extractor !== undefined) {
      const extracted = yield* runHandler(extractor, input, {
        timeoutMs: options.handlerTimeoutMs,
      });
      if (extracted.error === undefined) page.item = extracted.items[0]?.item ?? null;
      // The code first, so that errors group by kind; then what the extractor said.
      else page.error = `extractor: ${extracted.error.split("\n")[0]!.slice(0, 200)}`;
    }
    let handled: HandlerOutcome | undefined;
    if (handler !== undefined) {
      handled = yield* runHandler(handler, input, {
        timeoutMs: options.handlerTimeoutMs,
        ...(options.itemSchema === undefined ? {} : { itemSchema: options.itemSchema }),
      });
      if (handled.error !== undefined) {
        // The page's handler failed: its row says why, and nothing it added is kept.
        page.error = "handler";
        page.error_message = handled.error;
        return {
          state: "failed",
          page,
          links: facts.links,
          ...finalOf(url, fetched),
          ...(stored === undefined ? {} : { stored }),
        };
      }
    }
    const enqueue: FoundUrl[] = [];
    // What the handler enqueued (with its label) goes first; the same URL among the followed
    // links is not sent again, where it could win the insert without its label.
    const labelled = new Set<string>();
    if (url.depth + 1 <= maxDepth) {
      for (const extra of handled?.enqueued ?? []) {
        const found = labelled.has(extra.url) ? undefined : admitted(extra.url);
        if (found === undefined) continue;
        labelled.add(extra.url);
        enqueue.push({ ...extra, ...found });
      }
    }
    if (!facts.nofollow && handled?.skipLinks !== true) {
      enqueue.push(...followed(url, facts.links, labelled));
    }
    return {
      state: "done",
      page,
      links: facts.links,
      enqueue,
      ...(handled === undefined ? {} : { items: handled.items }),
      ...finalOf(url, fetched),
      ...(stored === undefined ? {} : { stored }),
    };
  };
}

/** What to keep of a 2xx page: its validators, and its body compressed (off the event loop). */
function* storedOf(
  fetched: Fetched,
  options: { revalidate: boolean; keepBodies: boolean },
): Operation<StoredBody | undefined> {
  if (!options.revalidate && !options.keepBodies) return undefined;
  const header = (name: string) => {
    const value = fetched.headers?.[name];
    return (Array.isArray(value) ? value[0] : value) ?? null;
  };
  const validators = { etag: header("etag"), last_modified: header("last-modified") };
  if (!options.keepBodies || fetched.body === undefined) return validators;
  return { ...validators, gzip: yield* until(gzipAsync(fetched.body)) };
}
