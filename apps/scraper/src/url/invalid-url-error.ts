/**
 * Why a URL cannot be crawled.
 *
 * @example
 * ```ts
 * import type { InvalidUrlReason } from "@skein/scraper";
 *
 * const reason: InvalidUrlReason = "unsupported-scheme"; // e.g. for "ftp://example.com/"
 * ```
 */
export type InvalidUrlReason = "malformed" | "unsupported-scheme";

/**
 * A URL the crawler cannot use: malformed, or not http(s).
 *
 * @example
 * ```ts
 * import { InvalidUrlError, normalizeUrl } from "@skein/scraper";
 *
 * try { normalizeUrl("ftp://example.com/"); } catch (e) { (e as InvalidUrlError).reason; } // "unsupported-scheme"
 * ```
 */
export class InvalidUrlError extends Error {
  readonly code = "invalid-url";
  override name = "InvalidUrlError";
  constructor(
    readonly url: string,
    readonly reason: InvalidUrlReason,
  ) {
    super(`cannot crawl ${JSON.stringify(url)}: ${reason}`);
  }
}
