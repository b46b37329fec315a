import { describe, expect, it } from "vitest";
import { charsetOf, extractBody } from "./extract-body.js";
import { extractPage } from "./extract-page.js";

const PAGE = `<html><head><title>Caf\u00e9 &amp; cr\u00e8me \u2014 \u65e5\u672c</title>
  <meta name="description" content="Pr\u00eat-\u00e0-porter &eacute;t\u00e9">
  <link rel="canonical" href="/caf\u00e9"></head><body>
  <a href="/men\u00fc?q=\u00fc&amp;x=1">m</a><a href="/\u00e9t\u00e9#top">e</a>
  <a href='/plain'>p</a><a href=/men\u00fc?q=\u00fc&amp;x=1>again</a></body></html>`;

describe("extractBody()", () => {
  it("finds in UTF-8 bytes exactly what extractPage() finds in the decoded text", () => {
    const bytes = new TextEncoder().encode(PAGE);
    const facts = extractBody(bytes, "text/html; charset=utf-8", "http://example.com/a/");
    expect(facts).toEqual(extractPage(PAGE, "http://example.com/a/"));
    expect(facts.title).toBe("Caf\u00e9 & cr\u00e8me \u2014 \u65e5\u672c");
    expect(facts.links).toContain("http://example.com/%C3%A9t%C3%A9");
  });

  it("decodes only the kept text in the charset the header names", () => {
    const latin = PAGE.replace(/[\u2014\u65e5\u672c]/g, "");
    const bytes = Uint8Array.from(latin, (c) => c.charCodeAt(0));
    const facts = extractBody(bytes, 'text/html; charset="ISO-8859-1"', "http://example.com/");
    expect(facts).toEqual(extractPage(latin, "http://example.com/"));
    expect(facts.description).toBe("Pr\u00eat-\u00e0-porter \u00e9t\u00e9");
  });

  it("decodes UTF-16 (not ASCII-compatible) whole, found by its byte-order mark", () => {
    const units = [0xfeff, ...Array.from(PAGE, (c) => c.charCodeAt(0))];
    const bytes = new Uint8Array(new Uint16Array(units).buffer);
    const facts = extractBody(bytes, "text/html", "http://example.com/a/");
    expect(facts).toEqual(extractPage(PAGE, "http://example.com/a/"));
  });

  it("reads the charset parameter and falls back to UTF-8 for unknown labels", () => {
    expect(charsetOf("text/html; charset=ISO-8859-1")).toBe("windows-1252");
    expect(charsetOf("text/html;charset=Shift_JIS")).toBe("shift_jis");
    expect(charsetOf("text/html; charset=no-such-thing")).toBe("utf-8");
    expect(charsetOf(null)).toBe("utf-8");
  });
});
