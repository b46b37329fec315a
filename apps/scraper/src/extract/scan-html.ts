import { Tokenizer } from "htmlparser2";
import { tryNormalizeUrl } from "../url/normalize-url.js";
import type { PageFacts } from "./extract-page.js";

const MAX_TEXT = 1000;

/** The tags whose attributes matter, by name; every other tag's attributes are skipped. */
const WANTED = new Set(["a", "area", "base", "link", "meta"]);
const ATTRIBUTES = new Set(["href", "rel", "name", "content"]);

/**
 * Internal to extraction. Tokenize `source` (htmlparser2's tokenizer, without building
 * attribute objects for the tags nobody reads) and pull out the {@link PageFacts}. `piece` turns
 * a range of `source` into text: a slice of it, or, when `source` is the body's bytes read as
 * Latin-1, those bytes decoded in their real charset, so the rest of the page is never decoded.
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
  let inTitle = false;
  let titleText = "";
  let description: string | undefined;
  let canonical: string | undefined;
  let nofollow = false;
  let noindex = false;
  const hrefs: string[] = [];
  // The tag being read, when it is one of WANTED, and its attributes so far.
  let tag: string | undefined;
  let attributes: Record<string, string> = {};
  let attribute: string | undefined;
  let value = "";

  const endTag = () => {
    if (tag === undefined) return;
    const { href, rel } = attributes;
    switch (tag) {
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
    tag = undefined;
  };

  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      onopentagname(start, end) {
        tag = undefined;
        const length = end - start;
        if (length !== 1 && length !== 4 && length !== 5) return;
        const name = source.slice(start, end).toLowerCase();
        if (name === "title") {
          if (title === undefined) inTitle = true;
        } else if (WANTED.has(name)) {
          tag = name;
          attributes = {};
        }
      },
      onattribname(start, end) {
        if (tag === undefined) return;
        const name = source.slice(start, end).toLowerCase();
        attribute = ATTRIBUTES.has(name) && !(name in attributes) ? name : undefined;
        value = "";
      },
      onattribdata(start, end) {
        if (attribute !== undefined) value += piece(start, end);
      },
      onattribentity(codepoint) {
        if (attribute !== undefined) value += String.fromCodePoint(codepoint);
      },
      onattribend() {
        if (attribute !== undefined) attributes[attribute] = value;
        attribute = undefined;
      },
      onopentagend: endTag,
      onselfclosingtag: endTag,
      ontext(start, end) {
        if (inTitle && titleText.length < MAX_TEXT) titleText += piece(start, end);
      },
      ontextentity(codepoint) {
        if (inTitle && titleText.length < MAX_TEXT) titleText += String.fromCodePoint(codepoint);
      },
      onclosetag(start, end) {
        if (inTitle && end - start === 5 && source.slice(start, end).toLowerCase() === "title") {
          inTitle = false;
          title = tidyText(titleText);
        }
      },
      oncdata() {},
      oncomment() {},
      ondeclaration() {},
      onprocessinginstruction() {},
      onend() {},
    },
  );
  tokenizer.write(source);
  tokenizer.end();
  if (inTitle) title = tidyText(titleText);

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
