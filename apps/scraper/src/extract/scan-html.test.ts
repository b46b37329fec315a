import fc from "fast-check";
import { Parser } from "htmlparser2";
import { describe, expect, it } from "vitest";
import { tryNormalizeUrl } from "../url/normalize-url.js";
import { scanHtml } from "./scan-html.js";

/** What htmlparser2's full Parser finds: the extractor as it was before the scanner. */
function withParser(html: string, pageUrl: string) {
  let base = pageUrl;
  let title: string | undefined;
  let inTitle = false;
  let titleText = "";
  let description: string | undefined;
  let canonical: string | undefined;
  let nofollow = false;
  const hrefs: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, a) {
        if (name === "title" && title === undefined) inTitle = true;
        if (name === "base" && a.href !== undefined)
          base = tryNormalizeUrl(a.href, pageUrl) ?? base;
        if ((name === "a" || name === "area") && a.href !== undefined) {
          if (!/\bnofollow\b/i.test(a.rel ?? "")) hrefs.push(a.href);
        }
        if (name === "link" && /\bcanonical\b/i.test(a.rel ?? "") && a.href !== undefined) {
          canonical ??= tryNormalizeUrl(a.href, base);
        }
        if (name === "meta") {
          const key = (a.name ?? "").toLowerCase();
          if (key === "description") description ??= (a.content ?? "").trim().slice(0, 1000);
          if (key === "robots") nofollow ||= /\bnofollow\b/i.test(a.content ?? "");
        }
      },
      ontext(text) {
        if (inTitle) titleText += text;
      },
      onclosetag(name) {
        if (name === "title" && inTitle) {
          inTitle = false;
          title = titleText.replace(/\s+/g, " ").trim();
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  if (inTitle) title = titleText.replace(/\s+/g, " ").trim();
  const links = [
    ...new Set(hrefs.map((href) => tryNormalizeUrl(href, base)).filter((u) => u !== undefined)),
  ];
  return { title, description, canonical, links, nofollow };
}

const fragment = fc.constantFrom(
  '<a href="/cut',
  "<a href=/cut2",
  '<a href="/a">a</a>',
  "<A HREF='/b?x=1&amp;y=2'>b</A>",
  "<a href=/c>c</a>",
  '<a rel="nofollow" href="/d">',
  '<a title="x > y" href="/e">',
  '<a href="/f" href="/g">',
  "<a\nhref\n=\n'/h'>",
  '<area href="/i">',
  '<base href="http://example.com/base/">',
  '<link rel="canonical" href="/canon">',
  '<meta name="description" content=" About &amp; more ">',
  '<meta name="robots" content="nofollow">',
  "<title>The &lt;Title&gt;</title>",
  "<script>var s = '<a href=\"/script\">';</script>",
  "<style>a::after { content: '<a href=/style>' }</style>",
  '<!-- <a href="/comment"> -->',
  "<!--><a href='/after-empty-comment'>",
  "<!DOCTYPE html>",
  "<p>text & more < less</p>",
  "<br/>",
  '<img src="/img.png" alt="<a href=/alt>">',
  "<textarea><a href='/textarea'></textarea>",
  "<div data-x='1'>",
  "relative ",
);

describe("scanHtml()", () => {
  it("finds what htmlparser2's Parser finds, on markup made of real pages' pieces", () => {
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 25 }), (parts) => {
        const html = parts.join("");
        const facts = scanHtml(
          html,
          (start, end) => html.slice(start, end),
          "http://example.com/p/",
        );
        const { title, description, canonical, links, nofollow } = facts;
        expect({ title, description, canonical, links, nofollow }).toEqual(
          withParser(html, "http://example.com/p/"),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it("skips the content of script, style and comments up to their real end", () => {
    const html = `<script>if (a </scriptx> b) {}</script ><a href="/after-script">
      <!-- -- > --><a href="/after-comment">`;
    const facts = scanHtml(html, (s, e) => html.slice(s, e), "http://example.com/");
    expect(facts.links).toEqual([
      "http://example.com/after-script",
      "http://example.com/after-comment",
    ]);
  });
});
