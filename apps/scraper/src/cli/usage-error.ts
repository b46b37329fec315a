/**
 * The command line asks for something the CLI cannot do; the message says what.
 *
 * @example
 * ```ts
 * import { UsageError } from "@skein/scraper";
 *
 * throw new UsageError("crawl needs at least one URL", []);
 * ```
 */
export class UsageError extends Error {
  readonly code = "usage";
  override name = "UsageError";
  constructor(
    message: string,
    readonly value: unknown,
  ) {
    super(message);
  }
}
