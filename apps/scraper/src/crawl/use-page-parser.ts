import { label, type Operation, resource } from "@skein/core";
import { transfer, useWorkerPool } from "@skein/core/node";
import { extractBody } from "../extract/extract-body.js";
import type { PageFacts } from "../extract/extract-page.js";

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

/**
 * Internal to the crawl. Parse one page's body. With `keep` false the body may be moved to a
 * worker thread, and is unusable afterwards.
 */
export type PageParser = (
  body: Uint8Array,
  contentType: string | null,
  url: string,
  keep: boolean,
) => Operation<PageFacts>;

/**
 * Internal to the crawl. A page parser for the current scope; a worker pool, if asked for, is
 * stopped with the scope.
 */
export function usePageParser(mode: ParserMode): Operation<PageParser> {
  return resource<PageParser>(function* (provide) {
    yield* label(`page parser (${mode})`);
    if (mode === "inline") {
      yield* provide(function* (body, contentType, url) {
        return extractBody(body, contentType, url);
      });
      return;
    }
    const self = import.meta.url;
    const typescript = self.endsWith(".ts");
    const pool = yield* useWorkerPool<{ extractBody: typeof extractBody }>({
      module: new URL(`../extract/extract-body.${typescript ? "ts" : "js"}`, self),
      imports: typescript ? [new URL("./register-tsx.mjs", self)] : [],
      size: mode.workers,
      idleTimeout: Infinity,
    });
    yield* provide((body, contentType, url, keep) => {
      // A body that is a whole buffer of its own moves to the worker instead of being copied.
      const own = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
      const moved = keep ? body : own ? transfer(body) : transfer(body.slice());
      return pool.run("extractBody", moved as Uint8Array, contentType, url);
    });
  });
}
