interface Rule {
  allow: boolean;
  pattern: string;
  regex: RegExp;
}

interface Group {
  agents: string[];
  rules: Rule[];
  crawlDelay: number | undefined;
}

/**
 * What robots.txt says for one user agent on one host.
 *
 * @example
 * ```ts
 * import { parseRobots } from "@skein/scraper";
 *
 * const robots = parseRobots("User-agent: *\nDisallow: /private/\nCrawl-delay: 1", "skein");
 * robots.allows("/private/x"); // false
 * robots.crawlDelayMs; // 1000
 * ```
 */
export interface Robots {
  /** Whether `pathAndQuery` may be fetched. */
  allows(pathAndQuery: string): boolean;
  /** The crawl delay for our agent, in milliseconds, if the file sets one. */
  readonly crawlDelayMs: number | undefined;
  /** Sitemap URLs the file lists. */
  readonly sitemaps: readonly string[];
}

function toRegex(pattern: string): RegExp {
  const anchored = pattern.endsWith("$");
  const body = anchored ? pattern.slice(0, -1) : pattern;
  const source = body
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}${anchored ? "$" : ""}`);
}

function normalizePath(path: string): string {
  return path.replace(/%[0-9a-f]{2}/gi, (hex) => hex.toUpperCase());
}

/**
 * Parse a robots.txt file for `userAgent` (matched case-insensitively against each group's
 * User-agent tokens; the most specific match wins, else `*`). Rules: the longest matching
 * pattern wins, and `Allow` wins a tie; `*` matches any run of characters and a trailing `$`
 * anchors the end.
 *
 * @example
 * ```ts
 * import { parseRobots } from "@skein/scraper";
 *
 * const robots = parseRobots("User-agent: *\nDisallow: /\nAllow: /public$", "skein");
 * robots.allows("/public"); // true
 * robots.allows("/public/x"); // false
 * ```
 *
 * @param text - the file's content
 * @param userAgent - our crawler's product token (e.g. "skein-scrape")
 * @returns the rules that apply to us
 */
export function parseRobots(text: string, userAgent: string): Robots {
  const groups: Group[] = [];
  const sitemaps: string[] = [];
  let current: Group | undefined;
  let lastWasAgent = false;
  for (const rawLine of text.split(/\r\n|\r|\n/)) {
    const line = rawLine.replace(/#.*$/, "").trim();
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const field = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (field === "user-agent") {
      if (!lastWasAgent || current === undefined) {
        current = { agents: [], rules: [], crawlDelay: undefined };
        groups.push(current);
      }
      current.agents.push(value.toLowerCase());
      lastWasAgent = true;
      continue;
    }
    lastWasAgent = false;
    if (field === "sitemap") {
      if (value !== "") sitemaps.push(value);
    } else if (current === undefined) {
    } else if (field === "allow" || field === "disallow") {
      if (value === "") continue; // "Disallow:" with nothing allows everything
      const pattern = normalizePath(value);
      current.rules.push({ allow: field === "allow", pattern, regex: toRegex(pattern) });
    } else if (field === "crawl-delay") {
      const seconds = Number(value);
      if (Number.isFinite(seconds) && seconds >= 0) current.crawlDelay = seconds;
    }
  }

  const agent = userAgent.toLowerCase();
  let chosen: Group[] = [];
  let best = -1;
  for (const group of groups) {
    for (const token of group.agents) {
      const score = token === "*" ? 0 : agent.includes(token) ? token.length : -1;
      if (score > best) {
        best = score;
        chosen = [group];
      } else if (score === best && score >= 0 && !chosen.includes(group)) {
        chosen.push(group);
      }
    }
  }
  const rules = chosen.flatMap((g) => g.rules);
  const delay = chosen.find((g) => g.crawlDelay !== undefined)?.crawlDelay;

  return {
    crawlDelayMs: delay === undefined ? undefined : Math.round(delay * 1000),
    sitemaps,
    allows(pathAndQuery: string): boolean {
      const path = normalizePath(pathAndQuery);
      let verdict: Rule | undefined;
      for (const rule of rules) {
        if (!rule.regex.test(path)) continue;
        if (
          verdict === undefined ||
          rule.pattern.length > verdict.pattern.length ||
          (rule.pattern.length === verdict.pattern.length && rule.allow)
        ) {
          verdict = rule;
        }
      }
      return verdict === undefined || verdict.allow;
    },
  };
}

/**
 * The rules for a host whose robots.txt is missing (404) or unreadable: everything allowed.
 *
 * @example
 * ```ts
 * import { allowAll } from "@skein/scraper";
 *
 * allowAll.allows("/anything"); // true
 * ```
 */
export const allowAll: Robots = Object.freeze({
  crawlDelayMs: undefined,
  sitemaps: Object.freeze([]) as readonly string[],
  allows: () => true,
});
