import { describe, expect, it } from "vitest";
import { allowAll, parseRobots } from "./robots.js";

describe("parseRobots()", () => {
  it("disallows paths under a Disallow prefix for every agent", () => {
    const robots = parseRobots("User-agent: *\nDisallow: /private/\n", "skein-scrape");
    expect(robots.allows("/private/a")).toBe(false);
    expect(robots.allows("/public")).toBe(true);
    expect(robots.allows("/private")).toBe(true);
  });

  it("lets the longest matching rule win and Allow win a tie", () => {
    const robots = parseRobots(
      "User-agent: *\nDisallow: /shop\nAllow: /shop/cart\nDisallow: /x\nAllow: /x",
      "bot",
    );
    expect(robots.allows("/shop/items")).toBe(false);
    expect(robots.allows("/shop/cart/1")).toBe(true);
    expect(robots.allows("/x")).toBe(true);
  });

  it("supports * wildcards and $ anchors", () => {
    const robots = parseRobots("User-agent: *\nDisallow: /*.pdf$\nDisallow: /a*/b", "bot");
    expect(robots.allows("/files/report.pdf")).toBe(false);
    expect(robots.allows("/files/report.pdf?x=1")).toBe(true);
    expect(robots.allows("/abc/b/c")).toBe(false);
  });

  it("picks the most specific group for our agent over *", () => {
    const text = [
      "User-agent: *",
      "Disallow: /",
      "",
      "User-agent: skein",
      "Disallow: /only-this",
      "Crawl-delay: 0.5",
    ].join("\n");
    const ours = parseRobots(text, "skein-scrape/1.0");
    expect(ours.allows("/page")).toBe(true);
    expect(ours.allows("/only-this")).toBe(false);
    expect(ours.crawlDelayMs).toBe(500);
    expect(parseRobots(text, "otherbot").allows("/page")).toBe(false);
  });

  it("shares rules among consecutive User-agent lines and ignores comments", () => {
    const text = "User-agent: a\nUser-agent: skein # us\nDisallow: /z # no\n";
    expect(parseRobots(text, "skein").allows("/z")).toBe(false);
  });

  it("treats an empty Disallow as allowing everything and collects sitemaps", () => {
    const robots = parseRobots("Sitemap: http://h/sitemap.xml\nUser-agent: *\nDisallow:\n", "bot");
    expect(robots.allows("/anything")).toBe(true);
    expect(robots.sitemaps).toEqual(["http://h/sitemap.xml"]);
    expect(allowAll.allows("/x")).toBe(true);
  });
});
