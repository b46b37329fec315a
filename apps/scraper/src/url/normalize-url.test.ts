import { describe, expect, it } from "vitest";
import { InvalidUrlError } from "./invalid-url-error.js";
import { normalizeUrl, tryNormalizeUrl } from "./normalize-url.js";

describe("normalizeUrl()", () => {
  it("lower-cases the scheme and host and drops default ports", () => {
    expect(normalizeUrl("HTTP://Example.COM:80/Path")).toBe("http://example.com/Path");
    expect(normalizeUrl("https://example.com:443/")).toBe("https://example.com/");
    expect(normalizeUrl("http://example.com:8080/")).toBe("http://example.com:8080/");
  });

  it("drops fragments, credentials and a trailing dot in the host", () => {
    expect(normalizeUrl("http://u:p@example.com./a#section")).toBe("http://example.com/a");
  });

  it("resolves dot segments and relative links against the base", () => {
    expect(normalizeUrl("../c/./d", "http://example.com/a/b/page")).toBe(
      "http://example.com/a/c/d",
    );
    expect(normalizeUrl("/x/../y", "http://example.com/q")).toBe("http://example.com/y");
  });

  it("drops tracking parameters and sorts the rest", () => {
    expect(normalizeUrl("http://example.com/?utm_source=a&z=1&gclid=x&a=2&fbclid=y")).toBe(
      "http://example.com/?a=2&z=1",
    );
    expect(normalizeUrl("http://example.com/?utm_medium=a")).toBe("http://example.com/");
  });

  it("spells percent-escapes one way", () => {
    expect(normalizeUrl("http://example.com/%7euser/%e2%82%ac")).toBe(
      "http://example.com/~user/%E2%82%AC",
    );
  });

  it("gives one key to different spellings of one page", () => {
    const spellings = [
      "http://EXAMPLE.com/docs/intro?b=2&a=1",
      "http://example.com:80/docs/./intro?a=1&b=2#top",
      "http://example.com/docs/x/../intro?a=1&utm_campaign=z&b=2",
    ];
    expect(new Set(spellings.map((u) => normalizeUrl(u))).size).toBe(1);
  });

  it("rejects other schemes and malformed input with a typed error", () => {
    const scheme = (() => {
      try {
        normalizeUrl("mailto:a@example.com");
      } catch (error) {
        return error;
      }
    })();
    expect(scheme).toBeInstanceOf(InvalidUrlError);
    expect((scheme as InvalidUrlError).reason).toBe("unsupported-scheme");
    expect((scheme as InvalidUrlError).code).toBe("invalid-url");
    expect(() => normalizeUrl("http://")).toThrow(InvalidUrlError);
    expect(() => normalizeUrl("not a url")).toThrow(/malformed/);
    expect(tryNormalizeUrl("javascript:void(0)")).toBeUndefined();
  });
});
