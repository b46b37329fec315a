import { describe, expect, it } from "vitest";
import { createTally, formatProgress } from "./progress.js";

const counts = { queued: 40, leased: 8, done: 150, failed: 6, skipped: 4 };

describe("formatProgress()", () => {
  it("names the most frequent error kinds first and counts the rest as other", () => {
    const tally = createTally();
    tally.pages = 160;
    tally.bytes = 3 * 1024 * 1024;
    for (const [kind, n] of [
      ["timeout", 1],
      ["http-500", 3],
      ["connection-reset", 2],
      ["http-404", 2],
      ["dns", 1],
    ] as const) {
      tally.errors.set(kind, n);
    }
    expect(formatProgress(tally, counts, 10)).toBe(
      "160 pages (16.0/s), 40 queued, 8 in flight, " +
        "9 errors (http-500 3, connection-reset 2, http-404 2, other 2), 3.0 MiB",
    );
  });

  it("gives an ETA from the rate when the crawl is bounded, and none otherwise", () => {
    const tally = createTally();
    tally.pages = 160;
    // 160 finished of 1000 at 16 pages/s: 840 left, 52.5 s.
    expect(formatProgress(tally, counts, 10, 1000)).toBe(
      "160 pages (16.0/s), 40 queued, 8 in flight, 0 errors, 0.0 MiB, ETA 53s",
    );
    expect(formatProgress(tally, counts, 10, 100_160)).toMatch(/ETA 1h44m$/);
    expect(formatProgress(tally, counts, 10)).not.toContain("ETA");
    expect(formatProgress(createTally(), counts, 0, 1000)).not.toContain("ETA");
  });
});
