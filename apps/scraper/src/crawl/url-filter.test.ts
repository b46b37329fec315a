import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { InvalidCrawlOptionError } from "./invalid-crawl-option-error.js";
import { compilePattern, createUrlFilter, isPrivateHost } from "./url-filter.js";

describe("createUrlFilter()", () => {
  it("keeps a public crawl on its own host and out of private addresses", function* () {
    const allows = createUrlFilter({ seeds: ["https://example.com/"], followExternal: true });
    expect(allows("https://example.com/a")).toBe(true);
    expect(allows("https://other.org/")).toBe(true);
    expect(allows("http://127.0.0.1:8080/admin")).toBe(false);
    expect(allows("http://192.168.1.1/")).toBe(false);
    expect(allows("http://[::1]/")).toBe(false);
    expect(createUrlFilter({ seeds: ["https://example.com/"] })("https://other.org/")).toBe(false);
  });

  it("lets a crawl that starts on loopback stay there", function* () {
    const allows = createUrlFilter({ seeds: ["http://127.0.0.1:3000/"] });
    expect(allows("http://127.0.0.1:3000/x")).toBe(true);
  });

  it("applies include and exclude globs and regexes", function* () {
    const allows = createUrlFilter({
      seeds: ["https://example.com/"],
      include: ["https://example.com/docs/*"],
      exclude: ["/\\.pdf$/i"],
    });
    expect(allows("https://example.com/docs/a")).toBe(true);
    expect(allows("https://example.com/blog/a")).toBe(false);
    expect(allows("https://example.com/docs/a.PDF")).toBe(false);
  });

  it("rejects an invalid regex with a typed error", function* () {
    expect(() => compilePattern("/(/")).toThrow(InvalidCrawlOptionError);
  });

  it("judges private hosts by their spelling", function* () {
    expect(
      ["10.0.0.1", "172.20.0.1", "169.254.1.1", "localhost", "[fd00::1]"].map(isPrivateHost),
    ).toEqual([true, true, true, true, true]);
    expect(["8.8.8.8", "172.32.0.1", "example.com"].map(isPrivateHost)).toEqual([
      false,
      false,
      false,
    ]);
  });

  it("keeps out an IPv4 private address written inside an IPv6 one, as the URL parser rewrites it", function* () {
    const allows = createUrlFilter({ seeds: ["https://example.com/"], followExternal: true });
    // new URL() writes [::ffff:127.0.0.1] as [::ffff:7f00:1], which the check used to let through.
    const hidden = [
      "http://[::ffff:127.0.0.1]/",
      "http://[::ffff:10.0.0.1]:8080/",
      "http://[0:0:0:0:0:ffff:7f00:1]/",
      "http://[::127.0.0.1]/",
      "http://[64:ff9b::192.168.0.1]/",
      "http://[2002:a00:1::]/",
      "http://[FE80::1]/",
      "http://[fec0::1]/",
      "http://[::]/",
    ];
    expect(hidden.filter(allows)).toEqual([]);
    const open = [
      "http://[::ffff:8.8.8.8]/",
      "http://[64:ff9b::8.8.8.8]/",
      "http://[2002:808:808::1]/",
      "http://[2606:2800:220:1::1]/",
    ];
    expect(open.filter(allows)).toEqual(open);
  });

  it("keeps a seed's www. variant in scope (a seed redirecting there ended the crawl)", function* () {
    const allows = createUrlFilter({ seeds: ["http://example.com/"] });
    expect(allows("https://www.example.com/a")).toBe(true);
    expect(allows("https://docs.example.com/a")).toBe(false);
    const back = createUrlFilter({ seeds: ["https://www.example.com/"] });
    expect(back("https://example.com/a")).toBe(true);
  });

  it("admits the domains of allowDomains and their subdomains, and nothing else", function* () {
    const allows = createUrlFilter({ seeds: ["https://a.test/"], allowDomains: ["example.com"] });
    expect(allows("https://example.com/")).toBe(true);
    expect(allows("https://docs.example.com/x")).toBe(true);
    expect(allows("https://notexample.com/")).toBe(false);
    expect(allows("https://example.com.evil.test/")).toBe(false);
  });
});
