import { decodeHTML, decodeHTMLAttribute } from "entities";
import { tryNormalizeUrl } from "../url/normalize-url.js";
import type { PageFacts } from "./extract-page.js";

const MAX_TEXT = 1000;

/** The tags whose attributes matter; every other tag's attributes are stepped over. */
const WANTED = new Set(["a", "area", "base", "link", "meta"]);
const ATTRIBUTES = new Set(["href", "rel", "name", "content"]);
/** Elements whose content is raw text up to their end tag (never markup). */
const RAW_TEXT = new Set(["script", "style", "xmp", "iframe", "noembed", "noframes", "textarea"]);

const GT = 0x3e;
const SLASH = 0x2f;
const EQUALS = 0x3d;
const BANG = 0x21;
const QUESTION = 0x3f;
const DOUBLE = 0x22;
const SINGLE = 0x27;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0c || c === 0x0d;
}

function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

/**
 * Internal to extraction. Scan `source` for the {@link PageFacts}: a tokenizer that follows the
 * HTML syntax for what it steps over (comments, doctypes, raw-text elements such as `<script>`,
 * quoted attribute values holding `>`), but jumps from `<` to `<` with `indexOf` and builds
 * strings only for the few attributes it keeps. `piece` turns a range of `source` into text: a
 * slice of it, or, when `source` is the body's bytes read as Latin-1, those bytes decoded in their
 * real charset, so the rest of the page is never decoded.
 *
 * @param source - the document, one character per code unit of the markup
 * @param piece - the text of `source` from `start` to `end`
 * @param pageUrl - the URL it was fetched from
 * @returns the page's facts
 */
export function scanHtml(
  source: string,
  piece: (start: number, end: number) => string,
  pageUrl: string,
): PageFacts {
  let base = pageUrl;
  let title: string | undefined;
  let description: string | undefined;
  let canonical: string | undefined;
  let nofollow = false;
  let noindex = false;
  const hrefs: string[] = [];
  const n = source.length;
  let attributes: Record<string, string> = {};

  const text = (start: number, end: number) => {
    const raw = piece(start, end);
    return raw.includes("&") ? decodeHTML(raw) : raw;
  };

  /** The end of the raw text of `name` from `from`: where its end tag starts, or the end. */
  const rawTextEnd = (name: string, from: number) => {
    for (let at = from; ; ) {
      const lt = source.indexOf("</", at);
      if (lt < 0) return n;
      const after = source.charCodeAt(lt + 2 + name.length);
      const ends = Number.isNaN(after) || isSpace(after) || after === GT || after === SLASH;
      if (ends && source.slice(lt + 2, lt + 2 + name.length).toLowerCase() === name) return lt;
      at = lt + 2;
    }
  };

  const keep = (name: string) => {
    const { href, rel } = attributes;
    switch (name) {
      case "base":
        if (href !== undefined) base = tryNormalizeUrl(href, pageUrl) ?? base;
        break;
      case "a":
      case "area":
        if (href !== undefined && (rel === undefined || !/\bnofollow\b/i.test(rel))) {
          hrefs.push(href);
        }
        break;
      case "link":
        if (rel !== undefined && href !== undefined && /\bcanonical\b/i.test(rel)) {
          canonical ??= tryNormalizeUrl(href, base);
        }
        break;
      case "meta": {
        const key = (attributes.name ?? "").toLowerCase();
        const content = attributes.content ?? "";
        if (key === "description") description ??= content.trim().slice(0, MAX_TEXT);
        if (key === "robots") {
          nofollow ||= /\bnofollow\b/i.test(content) || /\bnone\b/i.test(content);
          noindex ||= /\bnoindex\b/i.test(content) || /\bnone\b/i.test(content);
        }
        break;
      }
    }
  };

  let i = 0;
  while (i < n) {
    const lt = source.indexOf("<", i);
    if (lt < 0) break;
    const c = source.charCodeAt(lt + 1);
    if (c === BANG) {
      if (source.startsWith("<!--", lt)) {
        // "<!-->" and "<!--->" are whole (empty) comments.
        if (source.charCodeAt(lt + 4) === GT) i = lt + 5;
        else if (source.startsWith("->", lt + 4)) i = lt + 6;
        else {
          const end = source.indexOf("-->", lt + 4);
          i = end < 0 ? n : end + 3;
        }
      } else {
        const end = source.indexOf(">", lt + 2);
        i = end < 0 ? n : end + 1;
      }
      continue;
    }
    if (c === QUESTION || (c === SLASH && !isLetter(source.charCodeAt(lt + 2)))) {
      const end = source.indexOf(">", lt + 1);
      i = end < 0 ? n : end + 1;
      continue;
    }
    if (c === SLASH) {
      const end = source.indexOf(">", lt + 2);
      i = end < 0 ? n : end + 1;
      continue;
    }
    if (!isLetter(c)) {
      i = lt + 1;
      continue;
    }
    // A start tag: its name, then its attributes up to the `>` outside quotes.
    let j = lt + 1;
    while (j < n) {
      const d = source.charCodeAt(j);
      if (isSpace(d) || d === SLASH || d === GT) break;
      j++;
    }
    const length = j - lt - 1;
    let name = length <= 8 ? source.slice(lt + 1, j).toLowerCase() : "";
    const wanted = WANTED.has(name);
    if (wanted) attributes = {};
    // A tag cut off by the end of the document is no tag (as in browsers).
    let closed = false;
    for (;;) {
      while (j < n) {
        const d = source.charCodeAt(j);
        if (!isSpace(d) && d !== SLASH) break;
        j++;
      }
      if (j >= n) break;
      if (source.charCodeAt(j) === GT) {
        j++;
        closed = true;
        break;
      }
      const nameStart = j;
      j++; // the first character may be "="
      while (j < n) {
        const d = source.charCodeAt(j);
        if (isSpace(d) || d === SLASH || d === GT || d === EQUALS) break;
        j++;
      }
      const nameEnd = j;
      while (j < n && isSpace(source.charCodeAt(j))) j++;
      let valueStart = j;
      let valueEnd = j;
      if (source.charCodeAt(j) === EQUALS) {
        j++;
        while (j < n && isSpace(source.charCodeAt(j))) j++;
        const q = source.charCodeAt(j);
        if (q === DOUBLE || q === SINGLE) {
          const close = source.indexOf(q === DOUBLE ? '"' : "'", j + 1);
          valueStart = j + 1;
          valueEnd = close < 0 ? n : close;
          j = close < 0 ? n : close + 1;
        } else {
          valueStart = j;
          while (j < n) {
            const d = source.charCodeAt(j);
            if (isSpace(d) || d === GT) break;
            j++;
          }
          valueEnd = j;
        }
      }
      if (wanted && nameEnd - nameStart <= 7) {
        const attribute = source.slice(nameStart, nameEnd).toLowerCase();
        if (ATTRIBUTES.has(attribute) && !(attribute in attributes)) {
          const raw = piece(valueStart, valueEnd);
          attributes[attribute] = raw.includes("&") ? decodeHTMLAttribute(raw) : raw;
        }
      }
    }
    i = j;
    if (!closed) break;
    if (wanted) {
      keep(name);
    } else if (name === "title") {
      const end = rawTextEnd("title", i);
      // Enough characters for MAX_TEXT after whitespace is collapsed, in any charset.
      if (title === undefined) title = tidyText(text(i, Math.min(end, i + 8 * MAX_TEXT)));
      i = end;
    } else if (RAW_TEXT.has(name)) {
      i = rawTextEnd(name, i);
    } else if (name === "plaintext") {
      break;
    }
    name = "";
  }

  const seen = new Set<string>();
  const links: string[] = [];
  const tried = new Set<string>();
  for (const href of hrefs) {
    // The same href is often written many times on a page (navigation, "top" links).
    if (tried.has(href)) continue;
    tried.add(href);
    const url = tryNormalizeUrl(href, base);
    if (url !== undefined && !seen.has(url)) {
      seen.add(url);
      links.push(url);
    }
  }
  return { title, description, canonical, links, nofollow, noindex };
}

function tidyText(text: string): string {
  return text.replace(/\s+/g, " ").trim().slice(0, MAX_TEXT);
}
