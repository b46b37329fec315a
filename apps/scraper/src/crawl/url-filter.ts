import { InvalidCrawlOptionError } from "./invalid-crawl-option-error.js";
import { ipv6Words } from "./ipv6.js";

/**
 * What decides whether a found URL joins the crawl.
 *
 * @example
 * ```ts
 * import { createUrlFilter, type UrlFilterOptions } from "@skein/scraper";
 *
 * const options: UrlFilterOptions = {
 *   seeds: ["https://example.com/"],
 *   allowDomains: ["example.org"],
 *   include: ["https://example.com/docs/*", "https://docs.example.org/*"],
 * };
 * const allows = createUrlFilter(options);
 * ```
 */
export interface UrlFilterOptions {
  /** The start URLs (normalized); their hosts are the crawl's own. */
  seeds: readonly string[];
  /** Follow links to other hosts. Default false. */
  followExternal?: boolean;
  /**
   * Hosts beyond the seeds' own that are in scope: each domain and its subdomains
   * (`example.com` admits `example.com`, `www.example.com`, `docs.example.com`).
   */
  allowDomains?: readonly string[];
  /** URLs must match one of these, if any are given: globs (`*`, `?`) or `/regex/flags`. */
  include?: readonly string[];
  /** URLs matching any of these are left out. */
  exclude?: readonly string[];
  /**
   * Allow loopback and private addresses although no seed is spelled as one (a seed's name
   * resolved to one). Default false.
   */
  allowPrivate?: boolean;
}

/**
 * Internal to the crawl. Whether `hostname` is loopback, private, link-local or unspecified,
 * judged from its spelling (names are not resolved). An IPv6 address carrying an IPv4 one
 * (mapped, compatible, NAT64 or 6to4) is judged by the IPv4 address.
 *
 * @example
 * ```ts
 * import { isPrivateHost } from "@skein/scraper";
 *
 * isPrivateHost("192.168.1.20"); // true
 * isPrivateHost("[::1]"); // true
 * isPrivateHost("[::ffff:7f00:1]"); // true: 127.0.0.1, as new URL() writes [::ffff:127.0.0.1]
 * isPrivateHost("example.com"); // false, even if it resolves to a private address
 * ```
 */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (v4 !== null) {
    const a = Number(v4[1]);
    const b = Number(v4[2]);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (host.includes(":")) {
    const words = ipv6Words(host);
    if (words === undefined) return false;
    const [w0, w1, w2, w3, w4, w5, w6, w7] = words as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const zeroTo = (n: number) => words.slice(0, n).every((word) => word === 0);
    const v4 = (high: number, low: number) =>
      isPrivateHost(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
    // Unspecified and loopback.
    if (zeroTo(7) && (w7 === 0 || w7 === 1)) return true;
    // Unique local fc00::/7, link-local fe80::/10, site-local fec0::/10 (deprecated).
    if ((w0 & 0xfe00) === 0xfc00 || (w0 & 0xffc0) === 0xfe80 || (w0 & 0xffc0) === 0xfec0) {
      return true;
    }
    // An IPv4 address inside: mapped ::ffff:0:0/96 (which the URL parser writes in hex, as
    // [::ffff:7f00:1] for 127.0.0.1), compatible ::/96, NAT64 64:ff9b::/96, and 6to4 2002::/16.
    if (zeroTo(5) && (w5 === 0xffff || w5 === 0)) return v4(w6, w7);
    if (w0 === 0x64 && w1 === 0xff9b && w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0) {
      return v4(w6, w7);
    }
    if (w0 === 0x2002) return v4(w1, w2);
    return false;
  }
  return false;
}

/** `www.example.com` for `example.com` and the other way round (the port kept). */
function wwwVariant(host: string): string {
  return host.startsWith("www.") ? host.slice(4) : `www.${host}`;
}

/**
 * Internal. A glob (`*` any run, `?` one character) or `/regex/flags`, as a RegExp.
 *
 * @example
 * ```ts
 * import { compilePattern } from "@skein/scraper";
 *
 * compilePattern("https://example.com/docs/*").test("https://example.com/docs/a/b"); // true
 * compilePattern("/\\.pdf$/i").test("https://example.com/A.PDF"); // true
 * compilePattern("/(/"); // throws InvalidCrawlOptionError
 * ```
 */
export function compilePattern(pattern: string): RegExp {
  const regex = /^\/(.+)\/([a-z]*)$/.exec(pattern);
  try {
    if (regex !== null) return new RegExp(regex[1]!, regex[2]);
  } catch {
    throw new InvalidCrawlOptionError("pattern", pattern, "a valid /regular expression/");
  }
  const source = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`);
}

/**
 * Make the predicate that keeps a crawl in bounds: http(s) only, the seeds' hosts (and their
 * `www.` variants) and `allowDomains` unless `followExternal`, include/exclude patterns, and never from the public internet into a
 * loopback or private address unless a seed is on one.
 *
 * @example
 * ```ts
 * import { createUrlFilter } from "@skein/scraper";
 *
 * const allows = createUrlFilter({ seeds: ["https://example.com/"], exclude: ["*.pdf"] });
 * allows("https://example.com/a"); // true
 * allows("https://example.com/a.pdf"); // false
 * allows("http://127.0.0.1/admin"); // false
 * ```
 *
 * @param options - see {@link UrlFilterOptions}
 * @returns a predicate on normalized URLs
 */
export function createUrlFilter(options: UrlFilterOptions): (url: string) => boolean {
  const seeds = options.seeds.map((seed) => new URL(seed));
  // A site's www. variant is the site: a seed that redirects there (often with http -> https,
  // which keeps the host) stays in scope.
  const hosts = new Set(seeds.flatMap((seed) => [seed.host, wwwVariant(seed.host)]));
  const domains = (options.allowDomains ?? []).map((d) => d.replace(/^\./, "").toLowerCase());
  const inDomains = (hostname: string) =>
    domains.some((d) => hostname === d || hostname.endsWith(`.${d}`));
  const privateAllowed =
    options.allowPrivate === true || seeds.some((seed) => isPrivateHost(seed.hostname));
  const include = (options.include ?? []).map(compilePattern);
  const exclude = (options.exclude ?? []).map(compilePattern);
  return (raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return false;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return false;
    if (!options.followExternal && !hosts.has(url.host) && !inDomains(url.hostname)) return false;
    if (!privateAllowed && isPrivateHost(url.hostname)) return false;
    if (include.length > 0 && !include.some((re) => re.test(raw))) return false;
    return !exclude.some((re) => re.test(raw));
  };
}
