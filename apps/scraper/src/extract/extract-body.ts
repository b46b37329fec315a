import type { PageFacts } from "./extract-page.js";
import { scanHtml } from "./scan-html.js";

/** Encodings in which markup characters are not single ASCII bytes, or are stateful. */
const NOT_ASCII_COMPATIBLE = new Set(["utf-16le", "utf-16be", "iso-2022-jp", "replacement"]);

/**
 * The encoding a `Content-Type` header names (WHATWG label rules, through `TextDecoder`), or
 * UTF-8 when it names none or one this runtime does not know.
 *
 * @example
 * ```ts
 * import { charsetOf } from "@skein/scraper";
 *
 * charsetOf("text/html; charset=ISO-8859-1"); // "windows-1252"
 * charsetOf("text/html"); // "utf-8"
 * ```
 *
 * @param contentType - the header's value, or null
 * @returns the encoding's name as `TextDecoder` spells it
 */
export function charsetOf(contentType: string | null): string {
  return declaredCharset(contentType) ?? "utf-8";
}

/** The encoding `label` names, or undefined for a label this runtime does not know. */
function encodingOf(label: string | undefined): string | undefined {
  if (label === undefined) return undefined;
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return undefined;
  }
}

/** The known encoding a `Content-Type` header names, if it names one. */
function declaredCharset(contentType: string | null): string | undefined {
  return encodingOf(/;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? "")?.[1]);
}

/** How far into a body a `<meta>` naming its charset is looked for (as browsers do). */
const PRESCAN_BYTES = 1024;

/**
 * The encoding a `<meta charset>` or `<meta http-equiv="Content-Type" content="...;
 * charset=...">` in the first 1024 bytes names, if it names a known one. A meta can only be
 * read at all in an ASCII-compatible encoding, so one naming UTF-16 means UTF-8 (as the HTML
 * standard says).
 */
function metaCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(
    bytes.buffer,
    bytes.byteOffset,
    Math.min(bytes.byteLength, PRESCAN_BYTES),
  )
    .toString("latin1")
    .replace(/<!--[\s\S]*?-->/g, "");
  for (const meta of head.matchAll(/<meta\b[^>]*>/gi)) {
    const label = /\bcharset\s*=\s*["']?\s*([^"'\s/>;]+)/i.exec(meta[0])?.[1];
    const encoding = encodingOf(label);
    if (encoding !== undefined) return encoding.startsWith("utf-16") ? "utf-8" : encoding;
  }
  return undefined;
}

/**
 * The encoding of an HTML response body, as a browser settles it: a byte-order mark, else the
 * charset the `Content-Type` header names, else a `<meta>` in the first 1024 bytes that names
 * one, else UTF-8.
 *
 * @example
 * ```ts
 * import { bodyCharset } from "@skein/scraper";
 *
 * // Latin-1 bytes: one byte per character.
 * const body = Uint8Array.from('<meta charset="iso-8859-1"><title>Café</title>', (c) => c.charCodeAt(0));
 * bodyCharset(body, "text/html"); // "windows-1252"
 * bodyCharset(body, "text/html; charset=utf-8"); // "utf-8": the header wins
 * ```
 *
 * @param bytes - the body as received
 * @param contentType - the response's `Content-Type`, or null
 * @returns the encoding's name as `TextDecoder` spells it
 */
export function bodyCharset(bytes: Uint8Array, contentType: string | null): string {
  return sniffBom(bytes) ?? declaredCharset(contentType) ?? metaCharset(bytes) ?? "utf-8";
}

/**
 * Decode a whole response body as text in `charset` (a byte-order mark wins, as in browsers).
 *
 * @example
 * ```ts
 * import { decodeBody } from "@skein/scraper";
 *
 * decodeBody(new Uint8Array([0x63, 0x61, 0x66, 0xe9]), "windows-1252"); // "café"
 * ```
 *
 * @param bytes - the body
 * @param charset - from {@link charsetOf}
 * @returns the text
 */
export function decodeBody(bytes: Uint8Array, charset: string): string {
  return new TextDecoder(sniffBom(bytes) ?? charset).decode(bytes);
}

function sniffBom(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  return undefined;
}

/**
 * {@link extractPage} on a response body as it came off the wire. In an ASCII-compatible
 * encoding (UTF-8, the single-byte ones, the CJK multi-byte ones) the markup is tokenized from
 * the bytes read as Latin-1, which costs next to nothing, and only the text kept (title,
 * description, URLs) is decoded in its real charset: decoding a 100 KB page of non-ASCII text
 * costs more than tokenizing it. Other encodings are decoded whole first.
 *
 * @example
 * ```ts
 * import { extractBody } from "@skein/scraper";
 *
 * const body = new TextEncoder().encode("<title>Café</title><a href='/menu'>menu</a>");
 * const facts = extractBody(body, "text/html; charset=utf-8", "http://example.com/");
 * facts.title; // "Café"
 * facts.links; // ["http://example.com/menu"]
 * ```
 *
 * @param bytes - the body
 * @param contentType - the response's `Content-Type`, for its charset (see {@link bodyCharset})
 * @param pageUrl - the URL it was fetched from
 * @returns the page's facts
 */
export function extractBody(
  bytes: Uint8Array,
  contentType: string | null,
  pageUrl: string,
): PageFacts {
  const charset = bodyCharset(bytes, contentType);
  if (NOT_ASCII_COMPATIBLE.has(charset)) {
    const html = decodeBody(bytes, charset);
    return scanHtml(html, (start, end) => html.slice(start, end), pageUrl);
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const source = buffer.toString("latin1");
  if (charset === "utf-8") {
    return scanHtml(source, (start, end) => buffer.toString("utf8", start, end), pageUrl);
  }
  const decoder = new TextDecoder(charset);
  return scanHtml(source, (start, end) => decoder.decode(bytes.subarray(start, end)), pageUrl);
}
