import { InvalidUrlError, type InvalidUrlReason } from "./invalid-url-error.js";

/** Query parameters that only track where a visitor came from; they never change the page. */
const TRACKING = /^(utm_[a-z_]+|gclid|dclid|fbclid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl|igshid)$/i;

const UNRESERVED = /%(2[DdEe]|3[0-9]|4[1-9A-Fa-f]|5[0-9Aa]|5[Ff]|6[1-9A-Fa-f]|7[0-9Aa]|7[Ee])/g;

function tidyEncoding(part: string): string {
  return part
    .replace(UNRESERVED, (hex) => String.fromCharCode(Number.parseInt(hex.slice(1), 16)))
    .replace(/%[0-9a-f]{2}/gi, (hex) => hex.toUpperCase());
}

/**
 * The canonical spelling of a crawlable URL, so that one page has one key: lower-case scheme and
 * host, no default port, no fragment, `.` and `..` segments resolved, tracking parameters
 * dropped, the remaining query parameters sorted, and percent-escapes of unreserved characters
 * decoded. Relative URLs resolve against `base`.
 *
 * @example
 * ```ts
 * import { normalizeUrl } from "@skein/scraper";
 *
 * normalizeUrl("HTTP://Example.COM:80/a/../b?utm_source=x&z=1&a=2#top");
 * // "http://example.com/b?a=2&z=1"
 * ```
 *
 * @param raw - the URL as found
 * @param base - the URL of the page it was found on
 * @returns the normalized absolute URL
 * @throws InvalidUrlError when malformed or not http(s)
 */
export function normalizeUrl(raw: string, base?: string): string {
  const normalized = normalizeOrWhyNot(raw, base);
  if (typeof normalized === "string") return normalized;
  throw new InvalidUrlError(raw, normalized.reason);
}

/** The normalized URL, or why there is none (without the cost of building an error). */
function normalizeOrWhyNot(raw: string, base?: string): string | { reason: InvalidUrlReason } {
  let url: URL;
  try {
    url = new URL(raw.trim(), base);
  } catch {
    return { reason: "malformed" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { reason: "unsupported-scheme" };
  }
  if (url.hostname === "") return { reason: "malformed" };
  // An empty search still drops a bare "?".
  let search = "";
  if (url.search !== "") {
    const params = [...url.searchParams].filter(([key]) => !TRACKING.test(key));
    params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    // Form encoding leaves nothing the query's own percent-encoding would change.
    if (params.length > 0) search = `?${new URLSearchParams(params).toString()}`;
  }
  const path = url.pathname.includes("%") ? tidyEncoding(url.pathname) : url.pathname;
  if (url.username !== "" || url.password !== "" || url.hostname.endsWith(".")) {
    // Rare spellings go through the URL setters, which know every rule of the host parser.
    url.hash = "";
    url.username = "";
    url.password = "";
    if (url.hostname.endsWith(".")) url.hostname = url.hostname.slice(0, -1);
    url.search = search;
    url.pathname = path;
    return url.href;
  }
  // Each setter re-serializes the whole URL; links are normalized by the hundred per page, so
  // the common case spells the result out: http(s) without credentials is exactly this.
  return `${url.protocol}//${url.host}${path}${search}`;
}

/**
 * Like {@link normalizeUrl}, but `undefined` instead of an error: for links found in pages,
 * where `mailto:` and broken hrefs are normal.
 *
 * @example
 * ```ts
 * import { tryNormalizeUrl } from "@skein/scraper";
 *
 * tryNormalizeUrl("mailto:someone@example.com"); // undefined
 * ```
 *
 * @param raw - the URL as found
 * @param base - the URL of the page it was found on
 * @returns the normalized URL, or undefined
 */
export function tryNormalizeUrl(raw: string, base?: string): string | undefined {
  const normalized = normalizeOrWhyNot(raw, base);
  return typeof normalized === "string" ? normalized : undefined;
}
