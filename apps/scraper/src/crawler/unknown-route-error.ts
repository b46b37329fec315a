/**
 * A page's label has no route in the crawl's router, and the router has no fallback. The page
 * fails with this error's message; the crawl goes on.
 *
 * @example
 * ```ts
 * import { UnknownRouteError } from "@skein/scraper";
 *
 * const error = new UnknownRouteError("detail");
 * error.code; // "unknown-route"
 * ```
 */
export class UnknownRouteError extends Error {
  readonly code = "unknown-route";
  override name = "UnknownRouteError";

  /** @param label - the label no route handles (`undefined` for an unlabelled page) */
  constructor(readonly label: string | undefined) {
    super(`no route for label ${JSON.stringify(label ?? null)} and no fallback`);
  }
}
