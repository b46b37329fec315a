import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tryNormalizeUrl } from "./normalize-url.js";

const TRACKING = /^(utm_[a-z_]+|gclid|dclid|fbclid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl|igshid)$/i;
const UNRESERVED = /%(2[DdEe]|3[0-9]|4[1-9A-Fa-f]|5[0-9Aa]|5[Ff]|6[1-9A-Fa-f]|7[0-9Aa]|7[Ee])/g;

/** normalizeUrl as it was written before the fast path: every change through a URL setter. */
function throughSetters(raw: string, base?: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim(), base);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if (url.hostname === "") return undefined;
  url.hash = "";
  url.username = "";
  url.password = "";
  if (url.hostname.endsWith(".")) url.hostname = url.hostname.slice(0, -1);
  const params =
    url.search === "" ? [] : [...url.searchParams].filter(([key]) => !TRACKING.test(key));
  params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  url.search = params.length === 0 ? "" : new URLSearchParams(params).toString();
  url.pathname = url.pathname
    .replace(UNRESERVED, (hex) => String.fromCharCode(Number.parseInt(hex.slice(1), 16)))
    .replace(/%[0-9a-f]{2}/gi, (hex) => hex.toUpperCase());
  return url.href;
}

const piece = fc.constantFrom(
  "a",
  "B",
  "..",
  ".",
  "%2e",
  "%2E",
  "%7e",
  "%41",
  "%e2%82%ac",
  "%2F",
  " ",
  "é",
  "~",
  "'",
  '"',
  "<",
  "?",
  "#",
  "&",
  "=",
  "+",
  "utm_source=x",
  "gclid=1",
  "z=1",
  "a=2",
  "@",
  ":",
  "\\",
  "%",
);
const tail = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(""));
const prefix = fc.constantFrom(
  "",
  "/",
  "//",
  "../",
  "./",
  "http://Example.COM",
  "https://example.com:443",
  "http://u:p@example.com.",
  "HTTP://example.com:8080/",
  "http://[::1]:80/",
  "http://10.0.0.1./",
  "https://xn--nxasmq6b.example/",
  "mailto:",
  "javascript:",
);

describe("normalizeUrl()'s fast path", () => {
  it("spells every URL as the URL setters did", () => {
    const base = fc.constantFrom("http://example.com/a/b", "https://h.example:8443/x/");
    fc.assert(
      fc.property(prefix, tail, base, (start, rest, from) => {
        expect(tryNormalizeUrl(start + rest, from)).toBe(throughSetters(start + rest, from));
      }),
      { numRuns: 3000 },
    );
  });
});
