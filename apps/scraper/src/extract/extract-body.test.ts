import { describe, expect, it } from "vitest";
import { bodyCharset, charsetOf, decodeBody, extractBody } from "./extract-body.js";
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

  it("reads a Latin-1 page's charset from its <meta> when the header names none", () => {
    const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
    const meta = latin1(
      '<html><head><meta charset="iso-8859-1"><title>Caf\u00e9 cr\u00e8me</title></head></html>',
    );
    expect(extractBody(meta, "text/html", "http://example.com/").title).toBe(
      "Caf\u00e9 cr\u00e8me",
    );
    const equiv = latin1(
      '<!-- <meta charset="utf-8"> --><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><title>Caf\u00e9</title>',
    );
    expect(extractBody(equiv, null, "http://example.com/").title).toBe("Caf\u00e9");
    expect(decodeBody(equiv, bodyCharset(equiv, null))).toContain("Caf\u00e9");
  });

  it("settles the charset as browsers do: byte-order mark, then header, then <meta>, then UTF-8", () => {
    const meta = new TextEncoder().encode('<meta charset="windows-1251"><p>x</p>');
    expect(bodyCharset(meta, "text/html")).toBe("windows-1251");
    expect(bodyCharset(meta, "text/html; charset=iso-8859-2")).toBe("iso-8859-2");
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...meta]);
    expect(bodyCharset(bom, "text/html; charset=iso-8859-2")).toBe("utf-8");
    // Past the first 1024 bytes, unknown labels and UTF-16 in a meta: not taken.
    const late = new TextEncoder().encode(`${" ".repeat(1024)}<meta charset="windows-1251">`);
    expect(bodyCharset(late, "text/html")).toBe("utf-8");
    expect(bodyCharset(new TextEncoder().encode('<meta charset="nope">'), null)).toBe("utf-8");
    expect(bodyCharset(new TextEncoder().encode('<meta charset="utf-16le">'), null)).toBe("utf-8");
  });
});
