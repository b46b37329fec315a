import { type Operation, until } from "@skein/core";
import type { Extractor } from "../crawl/crawl-options.js";
import type { PageContext } from "./page-context.js";
import type { PageHandler } from "./run-handler.js";

/**
 * Internal to the crawl. An extractor as a handler: it runs as every handler does (in the
 * page's scope, within the handler timeout) and pushes what the extractor returns, if anything.
 * The crawl stores that one item as the page's `item`.
 */
export function extractorHandler(extractor: Extractor): PageHandler {
  return function* (page: PageContext): Operation<void> {
    const input = { url: page.url, status: page.status, html: page.html, facts: page.facts };
    let item = extractor(input);
    if (item !== null && typeof item === "object" && "then" in item) {
      item = yield* until(item as PromiseLike<unknown>);
    }
    if (item !== undefined) page.push(item);
  };
}
