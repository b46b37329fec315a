import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { type CrawlOptions, DEFAULT_USER_AGENT } from "./crawl-options.js";
import { settingsOf } from "./crawl-settings.js";
import { InvalidCrawlOptionError } from "./invalid-crawl-option-error.js";

/** Crawl options with `given` set; settingsOf() reads none of the required ones. */
function optionsWith(given: Record<string, unknown>): CrawlOptions {
  return given as unknown as CrawlOptions;
}

describe("settingsOf()", () => {
  it("refuses an option out of range with InvalidCrawlOptionError naming it", function* () {
    const refused: [keyof CrawlOptions, unknown][] = [
      ["concurrency", 0],
      ["maxBytes", 0],
      ["maxBytes", 1.5],
      ["maxRedirects", -1],
      ["userAgent", ""],
      ["userAgent", "bot\r\nx-injected: 1"],
      ["userAgent", 7],
    ];
    for (const [option, value] of refused) {
      let error: unknown;
      try {
        settingsOf(optionsWith({ [option]: value }));
      } catch (thrown) {
        error = thrown;
      }
      expect({ option, refused: error instanceof InvalidCrawlOptionError }).toEqual({
        option,
        refused: true,
      });
      expect((error as InvalidCrawlOptionError).value).toBe(value);
    }
  });

  it("fills in the defaults", function* () {
    expect(settingsOf(optionsWith({}))).toMatchObject({
      maxBytes: 5 * 1024 * 1024,
      maxRedirects: 5,
      userAgent: DEFAULT_USER_AGENT,
    });
    expect(
      settingsOf(optionsWith({ maxBytes: Number.POSITIVE_INFINITY, maxRedirects: 0 })),
    ).toMatchObject({
      maxBytes: Number.POSITIVE_INFINITY,
      maxRedirects: 0,
    });
  });
});
