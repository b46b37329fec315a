import type { IncomingHttpHeaders } from "node:http";
import { type Operation, scoped, timeout, until } from "@skein/core";
import { selectAll, selectOne } from "css-select";
import { DomUtils, parseDocument } from "htmlparser2";
import { bodyCharset, decodeBody } from "../extract/extract-body.js";
import type { PageFacts } from "../extract/extract-page.js";
import type { PushedItem } from "../store/crawl-store.js";
import { tryNormalizeUrl } from "../url/normalize-url.js";
import { checkItem, type ItemSchema, messageOf } from "./item-schema.js";
import type { Element, EnqueueOptions, PageContext } from "./page-context.js";

/**
 * What a handler may return: an operation, a promise, or nothing.
 *
 * @example
 * ```ts
 * import type { HandlerResult, PageContext } from "@skein/scraper";
 *
 * function handle(page: PageContext): HandlerResult {
 *   page.push({ url: page.url, title: page.facts.title });
 * }
 * ```
 */
export type HandlerResult = Operation<void> | PromiseLike<void> | void;

/**
 * User code run for each HTML page: see {@link PageContext}. A generator function (an operation)
 * or an async function; a {@link createRouter} router is one.
 *
 * @example
 * ```ts
 * import type { PageHandler } from "@skein/scraper";
 *
 * const handler: PageHandler = function* (page) {
 *   page.push({ url: page.url, h1: page.text("h1") });
 * };
 * ```
 */
export type PageHandler = (page: PageContext<any>) => HandlerResult;

/** Internal to the crawl. The page a handler runs on. */
export interface HandlerInput {
  url: string;
  finalUrl: string;
  status: number;
  headers: IncomingHttpHeaders;
  depth: number;
  label: string | undefined;
  userData: unknown;
  facts: PageFacts;
  body: Uint8Array;
  contentType: string | null;
}

/** Internal to the crawl. What a handler added, or why it failed. */
export interface HandlerOutcome {
  items: PushedItem[];
  enqueued: { url: string; label?: string; userData?: unknown }[];
  skipLinks: boolean;
  /** The message of what the handler threw (a timeout included); nothing it added is kept. */
  error?: string;
}

/** Internal to the crawl. Turn a handler's result into an operation. */
export function* settle(result: HandlerResult): Operation<void> {
  if (result === undefined || result === null) return;
  if (typeof (result as Operation<void>)[Symbol.iterator] === "function") {
    yield* result as Operation<void>;
  } else if (typeof (result as PromiseLike<void>).then === "function") {
    yield* until(result as PromiseLike<void>);
  }
}

/**
 * Internal to the crawl. Run `handler` on one page in a scope of its own (whatever it starts
 * ends with it), within `timeoutMs`. Throwing fails this page alone.
 */
export function* runHandler(
  handler: PageHandler,
  input: HandlerInput,
  options: { itemSchema?: ItemSchema; timeoutMs: number },
): Operation<HandlerOutcome> {
  const pushed: unknown[] = [];
  const enqueued: HandlerOutcome["enqueued"] = [];
  let skipLinks = false;
  let html: string | undefined;
  let document: ReturnType<typeof parseDocument> | undefined;
  const dom = () => {
    html ??= decodeBody(input.body, bodyCharset(input.body, input.contentType));
    document ??= parseDocument(html, { lowerCaseAttributeNames: true });
    return document;
  };
  const page: PageContext = {
    url: input.url,
    finalUrl: input.finalUrl,
    status: input.status,
    headers: input.headers,
    depth: input.depth,
    label: input.label,
    userData: input.userData,
    facts: input.facts,
    get html() {
      html ??= decodeBody(input.body, bodyCharset(input.body, input.contentType));
      return html;
    },
    select: (selector) => selectAll(selector, dom() as never) as Element[],
    selectOne: (selector) => (selectOne(selector, dom() as never) as Element | null) ?? undefined,
    text(selector) {
      const found = selectOne(selector, dom() as never);
      if (found === null) return undefined;
      return DomUtils.textContent(found as never)
        .replace(/\s+/g, " ")
        .trim();
    },
    enqueue(urls, enqueueOptions: EnqueueOptions = {}) {
      for (const raw of typeof urls === "string" ? [urls] : urls) {
        const url = tryNormalizeUrl(raw, input.finalUrl);
        if (url === undefined) continue;
        enqueued.push({
          url,
          ...(enqueueOptions.label === undefined ? {} : { label: enqueueOptions.label }),
          ...(enqueueOptions.userData === undefined ? {} : { userData: enqueueOptions.userData }),
        });
      }
    },
    push(item) {
      pushed.push(item);
    },
    skipLinks() {
      skipLinks = true;
    },
  };
  try {
    yield* scoped(() => timeout(options.timeoutMs, settle(handler(page))));
  } catch (error) {
    return { items: [], enqueued: [], skipLinks: true, error: messageOf(error) };
  }
  const items: PushedItem[] = [];
  for (const item of pushed) {
    const checked = yield* checkItem(options.itemSchema, item);
    // The dataset holds JSON: an item JSON cannot spell is kept as its error alone.
    let json: string | undefined;
    try {
      json = JSON.stringify(checked.item);
    } catch (error) {
      items.push({ item: null, error: `not JSON: ${messageOf(error)}` });
      continue;
    }
    if (json === undefined) items.push({ item: null, error: "not JSON: undefined" });
    else items.push(checked.error === undefined ? { item: checked.item } : { ...checked });
  }
  return { items, enqueued, skipLinks };
}
