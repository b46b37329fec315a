/**
 * A resumed crawl was given an option with another value than the one it was started with.
 * Pass `reconfigure: true` (`--reconfigure` on the command line) to change the saved value.
 *
 * @example
 * ```ts
 * import { CrawlConfigConflictError } from "@skein/scraper";
 *
 * const error = new CrawlConfigConflictError("docs", "maxPages", 100, 500);
 * error.code; // "crawl-config-conflict"
 * error.message; // 'crawl "docs" was started with maxPages 100; this run asks for 500 ...'
 * ```
 */
export class CrawlConfigConflictError extends Error {
  readonly code = "crawl-config-conflict";
  override name = "CrawlConfigConflictError";
  constructor(
    readonly crawl: string,
    readonly option: string,
    readonly saved: unknown,
    readonly given: unknown,
  ) {
    super(
      `crawl ${JSON.stringify(crawl)} was started with ${option} ${show(saved)}; this run asks for ${show(given)} (reconfigure to change it)`,
    );
  }
}

function show(value: unknown): string {
  return value === undefined ? "(unset)" : JSON.stringify(value);
}
