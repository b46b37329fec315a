import { describe, expect, it } from "vitest";
import { extractPage } from "../extract/extract-page.js";
import { parseRobots } from "../robots/robots.js";
import { createDemoSite } from "./demo-site.js";

const origin = "http://127.0.0.1:8080";

describe("the demo site", () => {
  it("is the same on every run for the same seed and differs across seeds", () => {
    expect(createDemoSite({ pages: 300 }).links(17)).toEqual(
      createDemoSite({ pages: 300 }).links(17),
    );
    expect(createDemoSite({ pages: 300, seed: 2 }).links(17)).not.toEqual(
      createDemoSite({ pages: 300 }).links(17),
    );
  });

  it("expects every content page to be found, each under one URL", () => {
    const site = createDemoSite({ pages: 500 });
    const { statuses } = site.expect(origin);
    const pages = [...statuses.keys()].filter((url) => /\/p\/\d+$/.test(url));
    expect(pages).toHaveLength(500);
    expect(new Set(pages).size).toBe(500);
  });

  it("includes broken links, a non-HTML file and robots-disallowed links in the expectation", () => {
    const { statuses, disallowed } = createDemoSite({ pages: 500 }).expect(origin);
    expect([...statuses.values()].filter((s) => s === 404).length).toBeGreaterThan(10);
    expect(statuses.get(`${origin}/files/report-13.pdf`)).toBe(200);
    expect(disallowed.has(`${origin}/private/7`)).toBe(true);
    expect([...statuses.keys()].some((url) => url.includes("/private/"))).toBe(false);
  });

  it("fails a few pages once with 500 or 429 (with Retry-After) and then serves them", () => {
    const site = createDemoSite({ pages: 500 });
    expect(site.respond("/p/3", 1).status).toBe(500);
    expect(site.respond("/p/3", 2).status).toBe(200);
    const limited = site.respond("/p/5", 1);
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after"]).toBe("1");
    expect(site.respond("/p/50", 1).delayMs).toBeGreaterThan(0);
  });

  it("serves pages whose links the real extractor reads as the generator wrote them", () => {
    const site = createDemoSite({ pages: 100 });
    const facts = extractPage(site.respond("/p/10", 1).body, `${origin}/p/10`);
    expect(facts.title).toBe("Page 10");
    expect(facts.canonical).toBe(`${origin}/p/10`);
    expect(facts.links).toContain(`${origin}/p/11`);
    const robots = parseRobots(site.robotsTxt(), "skein-scrape");
    expect(robots.allows("/private/1")).toBe(false);
    expect(robots.allows("/p/1?print=1")).toBe(false);
    expect(robots.allows("/p/1")).toBe(true);
  });

  it("rejects a non-positive page count", () => {
    expect(() => createDemoSite({ pages: 0 })).toThrow(TypeError);
  });
});
