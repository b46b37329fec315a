import { describe, expect, it } from "vitest";
import { extractPage } from "./extract-page.js";

describe("extractPage()", () => {
  it("finds the title, description and canonical URL", () => {
    const facts = extractPage(
      `<html><head><title> Hello
        world </title><meta name="Description" content="About things">
        <link rel="canonical" href="/canon?utm_source=x"></head></html>`,
      "http://example.com/page",
    );
    expect(facts.title).toBe("Hello world");
    expect(facts.description).toBe("About things");
    expect(facts.canonical).toBe("http://example.com/canon");
  });

  it("resolves, normalizes and de-duplicates links, skipping other schemes and rel=nofollow", () => {
    const facts = extractPage(
      `<a href="b">1</a><a href="./b#frag">2</a><a href="HTTP://EXAMPLE.com:80/c">3</a>
       <a href="mailto:x@y">4</a><a href="javascript:void(0)">5</a><a rel="nofollow" href="/d">6</a>
       <a href="https://other.org/e">7</a>`,
      "http://example.com/a/",
    );
    expect(facts.links).toEqual([
      "http://example.com/a/b",
      "http://example.com/c",
      "https://other.org/e",
    ]);
  });

  it("honours <base href> and meta robots", () => {
    const facts = extractPage(
      `<base href="http://example.com/root/"><meta name="robots" content="noindex, nofollow"><a href="x">x</a>`,
      "http://example.com/elsewhere/page",
    );
    expect(facts.links).toEqual(["http://example.com/root/x"]);
    expect(facts.nofollow).toBe(true);
    expect(facts.noindex).toBe(true);
  });

  it("survives malformed HTML without throwing", () => {
    const facts = extractPage(
      `<title>Broken</title><p><b><a href="/ok">ok</i></p><div><<>><a href=/unquoted>u</a><a href="/open`,
      "http://example.com/",
    );
    expect(facts.links).toEqual(["http://example.com/ok", "http://example.com/unquoted"]);
    expect(facts.title).toBe("Broken");
  });
});
