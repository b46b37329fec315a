import { type Operation, resource } from "@skein/core";
import { useWorkerPool } from "@skein/core/node";
import { extractPage, type PageFacts } from "../extract/extract-page.js";

/**
 * Where HTML is parsed: `inline` on the event loop, or `workers` in a pool of worker threads
 * (`size` threads), keeping the loop free for I/O.
 *
 * @example
 * ```ts
 * import type { ParserMode } from "@skein/scraper";
 *
 * const mode: ParserMode = { workers: 2 };
 * ```
 */
export type ParserMode = "inline" | { workers: number };

/** Internal to the crawl. Parse one page. */
export type PageParser = (html: string, url: string) => Operation<PageFacts>;

/**
 * Internal to the crawl. A page parser for the current scope; a worker pool, if asked for, is
 * stopped with the scope.
 */
export function usePageParser(mode: ParserMode): Operation<PageParser> {
  return resource<PageParser>(function* (provide) {
    if (mode === "inline") {
      yield* provide(function* (html, url) {
        return extractPage(html, url);
      });
      return;
    }
    const self = import.meta.url;
    const typescript = self.endsWith(".ts");
    const pool = yield* useWorkerPool<{ extractPage: typeof extractPage }>({
      module: new URL(`../extract/extract-page.${typescript ? "ts" : "js"}`, self),
      imports: typescript ? [new URL("./register-tsx.mjs", self)] : [],
      size: mode.workers,
      idleTimeout: Infinity,
    });
    yield* provide((html, url) => pool.run("extractPage", html, url));
  });
}
