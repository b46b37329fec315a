/**
 * The named crawl is not in the database.
 *
 * @example
 * ```ts
 * import { CrawlNotFoundError } from "@skein/scraper";
 *
 * const error = new CrawlNotFoundError("nightly");
 * error.code; // "crawl-not-found"
 * ```
 */
export class CrawlNotFoundError extends Error {
  readonly code = "crawl-not-found";
  override name = "CrawlNotFoundError";
  constructor(readonly crawl: string) {
    super(`no crawl named ${JSON.stringify(crawl)} in this database`);
  }
}
