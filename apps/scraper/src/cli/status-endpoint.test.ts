import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Operation, resource, scoped } from "@skein/core";
import { it } from "@skein/core/test";
import { describe, expect } from "vitest";
import { CrawlNotFoundError } from "../store/crawl-not-found-error.js";
import { createCrawlStore } from "../store/crawl-store.js";
import { useDatabase } from "../store/database.js";
import { askStatusEndpoint } from "./ask-status-endpoint.js";
import { statusSocketPath, useStatusEndpoint } from "./status-endpoint.js";

// Starting an embedded PGlite takes a few seconds on a busy machine.
const SLOW = 60_000;

/** A path for a data directory that nobody opens (the endpoint only names its socket after it). */
function useDataDirName(): Operation<string> {
  return resource<string>(function* (provide) {
    const parent = mkdtempSync(join(tmpdir(), "skein-status-"));
    try {
      yield* provide(join(parent, "data"));
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
}

describe("useStatusEndpoint()", () => {
  it(
    "answers a crawl's summary to askStatusEndpoint(), and CrawlNotFoundError for an unknown crawl",
    function* () {
      const dir = yield* useDataDirName();
      const store = yield* createCrawlStore(yield* useDatabase("memory://"));
      const record = yield* store.open("docs", {}, [
        { url: "http://a.test/", host: "a.test", depth: 0 },
      ]);
      expect(yield* useStatusEndpoint(store, dir)).toBe(statusSocketPath(dir));
      const remote = yield* askStatusEndpoint(dir, "docs");
      expect(remote?.pid).toBe(process.pid);
      expect(remote?.summary).toEqual(yield* store.summary(record.id));
      let error: unknown;
      try {
        yield* askStatusEndpoint(dir, "nope");
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CrawlNotFoundError);
    },
    SLOW,
  );

  it(
    "replaces a socket file left by a process that died, and removes its own when its scope ends",
    function* () {
      const dir = yield* useDataDirName();
      const path = statusSocketPath(dir);
      writeFileSync(path, "");
      // Nobody listens: no answer rather than an error.
      expect(yield* askStatusEndpoint(dir, "docs")).toBeUndefined();
      yield* scoped(function* () {
        const store = yield* createCrawlStore(yield* useDatabase("memory://"));
        yield* store.open("docs", {}, []);
        yield* useStatusEndpoint(store, dir);
        expect((yield* askStatusEndpoint(dir, "docs"))?.summary.counts.queued).toBe(0);
      });
      expect(existsSync(path)).toBe(false);
      expect(yield* askStatusEndpoint(dir, "docs")).toBeUndefined();
    },
    SLOW,
  );

  it("puts a socket whose path would be too long in the temporary directory", function* () {
    const deep = join(tmpdir(), "x".repeat(120), "data");
    const path = statusSocketPath(deep);
    expect(path.startsWith(tmpdir())).toBe(true);
    expect(Buffer.byteLength(path)).toBeLessThanOrEqual(100);
    expect(statusSocketPath(join(tmpdir(), "d"))).toBe(`${join(tmpdir(), "d")}.skein-status.sock`);
  });
});
