import { InvalidCookieError } from "./server-errors.js";

/**
 * The cookies a request carries (its `Cookie` header), by name; values are URL-decoded when
 * they can be, and the first of two cookies with one name wins.
 *
 * @example
 * ```ts
 * import { getCookies } from "@skein/http";
 *
 * function* handler(request: Request) {
 *   const { session } = getCookies(request);
 *   return new Response(session ? "welcome back" : "hello");
 * }
 * ```
 *
 * @param request - the request to read
 * @returns the cookies, a record with no prototype
 */
export function getCookies(request: Request): Record<string, string> {
  const cookies: Record<string, string> = Object.create(null);
  const header = request.headers.get("cookie");
  if (header === null) return cookies;
  for (const pair of header.split(";")) {
    const at = pair.indexOf("=");
    if (at === -1) continue;
    const name = pair.slice(0, at).trim();
    if (name === "" || name in cookies) continue;
    let value = pair.slice(at + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2)
      value = value.slice(1, -1);
    try {
      cookies[name] = decodeURIComponent(value);
    } catch {
      cookies[name] = value;
    }
  }
  return cookies;
}

/**
 * The attributes of a cookie set by {@link setCookie}. `path` defaults to `/`, `httpOnly` to
 * true and `sameSite` to `"Lax"`; `secure` is required by browsers with `sameSite: "None"`.
 *
 * @example
 * ```ts
 * import type { CookieOptions } from "@skein/http";
 *
 * const options: CookieOptions = { maxAgeSeconds: 3600, secure: true };
 * ```
 */
export interface CookieOptions {
  maxAgeSeconds?: number;
  expires?: Date;
  domain?: string;
  path?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: "Strict" | "Lax" | "None";
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Whether a cookie attribute value can go into the header: no `;`, no control characters. */
function plainAttribute(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || code === 0x3b) return false;
  }
  return true;
}

/**
 * Add a `Set-Cookie` header to `response` (the value is URL-encoded). A name that is not an
 * HTTP token, or an attribute with `;` or control characters, throws {@link InvalidCookieError}.
 *
 * @example
 * ```ts
 * import { setCookie } from "@skein/http";
 *
 * function* login() {
 *   const response = new Response("logged in");
 *   setCookie(response, "session", "abc123", { maxAgeSeconds: 3600 });
 *   return response;
 * }
 * ```
 *
 * @param response - a response whose headers can still change
 * @param name - the cookie's name
 * @param value - its value
 * @param options - see {@link CookieOptions}
 * @returns `response`
 */
export function setCookie(
  response: Response,
  name: string,
  value: string,
  options: CookieOptions = {},
): Response {
  if (!TOKEN.test(name)) throw new InvalidCookieError("name", name);
  let line = `${name}=${encodeURIComponent(value)}`;
  const {
    maxAgeSeconds,
    expires,
    domain,
    path = "/",
    secure,
    httpOnly = true,
    sameSite = "Lax",
  } = options;
  if (maxAgeSeconds !== undefined) {
    if (!Number.isInteger(maxAgeSeconds))
      throw new InvalidCookieError("maxAgeSeconds", maxAgeSeconds);
    line += `; Max-Age=${maxAgeSeconds}`;
  }
  if (expires !== undefined) {
    if (!(expires instanceof Date) || Number.isNaN(expires.getTime())) {
      throw new InvalidCookieError("expires", expires);
    }
    line += `; Expires=${expires.toUTCString()}`;
  }
  for (const [key, attribute] of [
    ["domain", domain],
    ["path", path],
  ] as const) {
    if (attribute === undefined) continue;
    if (typeof attribute !== "string" || !plainAttribute(attribute))
      throw new InvalidCookieError(key, attribute);
    line += `; ${key === "domain" ? "Domain" : "Path"}=${attribute}`;
  }
  if (secure) line += "; Secure";
  if (httpOnly) line += "; HttpOnly";
  if (!["Strict", "Lax", "None"].includes(sameSite))
    throw new InvalidCookieError("sameSite", sameSite);
  line += `; SameSite=${sameSite}`;
  response.headers.append("set-cookie", line);
  return response;
}

/**
 * The query of a request's URL, as `URLSearchParams`.
 *
 * @example
 * ```ts
 * import { queryOf } from "@skein/http";
 *
 * function* search(request: Request) {
 *   const q = queryOf(request).get("q") ?? "";
 *   return Response.json({ q });
 * }
 * ```
 *
 * @param request - the request to read
 * @returns its query parameters
 */
export function queryOf(request: Request): URLSearchParams {
  const url = request.url;
  const at = url.indexOf("?");
  if (at === -1) return new URLSearchParams();
  const hash = url.indexOf("#", at);
  return new URLSearchParams(hash === -1 ? url.slice(at + 1) : url.slice(at + 1, hash));
}
