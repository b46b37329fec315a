/**
 * A crawl option with a value the crawler cannot use.
 *
 * @example
 * ```ts
 * import { InvalidCrawlOptionError } from "@skein/scraper";
 *
 * const error = new InvalidCrawlOptionError("concurrency", 0, "a positive integer");
 * error.code; // "invalid-crawl-option"
 * ```
 */
export class InvalidCrawlOptionError extends Error {
  readonly code = "invalid-crawl-option";
  override name = "InvalidCrawlOptionError";
  constructor(
    readonly option: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`${option} must be ${expected}, got ${JSON.stringify(value) ?? String(value)}`);
  }
}
