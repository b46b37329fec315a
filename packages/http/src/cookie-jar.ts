import type { IncomingHttpHeaders } from "node:http";

interface Cookie {
  name: string;
  value: string;
  domain: string;
  /** Sent to this host only (no `Domain` attribute), or to its subdomains too. */
  hostOnly: boolean;
  path: string;
  secure: boolean;
  /** Milliseconds since the epoch; `Infinity` for a session cookie. */
  expires: number;
}

/**
 * Internal. The cookies of one client, in memory, as RFC 6265 has a user agent keep them: set by
 * `Set-Cookie`, sent back in `Cookie` to the host (or domain) and path they were set for, over
 * HTTPS only when `Secure`, until they expire. A `Domain` that does not cover the host that set
 * it is refused, so one site cannot set cookies for another.
 */
export class CookieJar {
  private cookies: Cookie[] = [];

  /** Store the cookies of a response from `url`. */
  store(url: URL, headers: IncomingHttpHeaders): void {
    const lines = headers["set-cookie"];
    if (lines === undefined) return;
    const now = Date.now();
    for (const line of Array.isArray(lines) ? lines : [lines]) {
      const cookie = parse(line, url, now);
      if (cookie === undefined) continue;
      this.cookies = this.cookies.filter(
        (c) => !(c.name === cookie.name && c.domain === cookie.domain && c.path === cookie.path),
      );
      if (cookie.expires > now) this.cookies.push(cookie);
    }
  }

  /** The `Cookie` header for a request to `url`, or `undefined` when there is none to send. */
  header(url: URL): string | undefined {
    if (this.cookies.length === 0) return undefined;
    const now = Date.now();
    this.cookies = this.cookies.filter((c) => c.expires > now);
    const host = url.hostname;
    const sent = this.cookies
      .filter(
        (c) =>
          (c.hostOnly ? host === c.domain : domainMatch(host, c.domain)) &&
          pathMatch(url.pathname, c.path) &&
          (!c.secure || url.protocol === "https:"),
      )
      .sort((a, b) => b.path.length - a.path.length);
    if (sent.length === 0) return undefined;
    return sent.map((c) => `${c.name}=${c.value}`).join("; ");
  }
}

function parse(line: string, url: URL, now: number): Cookie | undefined {
  const [pair = "", ...attributes] = line.split(";");
  const eq = pair.indexOf("=");
  if (eq < 1) return undefined;
  const cookie: Cookie = {
    name: pair.slice(0, eq).trim(),
    value: pair.slice(eq + 1).trim(),
    domain: url.hostname,
    hostOnly: true,
    path: defaultPath(url.pathname),
    secure: false,
    expires: Infinity,
  };
  let maxAge: number | undefined;
  for (const attribute of attributes) {
    const at = attribute.indexOf("=");
    const key = (at === -1 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
    const value = at === -1 ? "" : attribute.slice(at + 1).trim();
    if (key === "domain" && value !== "") {
      const domain = value.replace(/^\./, "").toLowerCase();
      if (!domainMatch(url.hostname, domain)) return undefined;
      cookie.domain = domain;
      cookie.hostOnly = false;
    } else if (key === "path" && value.startsWith("/")) {
      cookie.path = value;
    } else if (key === "secure") {
      cookie.secure = true;
    } else if (key === "max-age" && /^-?\d+$/.test(value)) {
      maxAge = Number(value);
    } else if (key === "expires") {
      const at = Date.parse(value);
      if (!Number.isNaN(at)) cookie.expires = at;
    }
  }
  if (maxAge !== undefined) cookie.expires = maxAge <= 0 ? 0 : now + maxAge * 1000;
  return cookie;
}

function domainMatch(host: string, domain: string): boolean {
  if (host === domain) return true;
  // An IP address matches only itself.
  if (/^[\d.]+$/.test(host) || host.includes(":")) return false;
  return host.endsWith(`.${domain}`);
}

function pathMatch(path: string, cookiePath: string): boolean {
  if (path === cookiePath) return true;
  if (!path.startsWith(cookiePath)) return false;
  return cookiePath.endsWith("/") || path[cookiePath.length] === "/";
}

function defaultPath(path: string): string {
  const last = path.lastIndexOf("/");
  return last <= 0 ? "/" : path.slice(0, last);
}
