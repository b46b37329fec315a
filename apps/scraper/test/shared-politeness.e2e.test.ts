import { randomUUID } from "node:crypto";
import { type Operation, resource, scoped, sleep } from "@skein/core";
import { it } from "@skein/core/test";
import { useHttpServer } from "@skein/http";
import { sql } from "@skein/postgres";
import { describe, expect } from "vitest";
import { createCrawlStore } from "../src/store/crawl-store.js";
import { useDatabase } from "../src/store/database.js";
import { serverUrl } from "../src/testing/test-databases.js";
import { useCli } from "./use-cli.js";

const PAGES = 16;
const DELAY = 300;
/**
 * How much shorter than --delay a gap at the server may be: the delay runs from the end of each
 * request as the crawler saw it, after the server sent its last byte; 5 ms covers the clocks of
 * the database and of this process, which measure the two ends.
 */
const TOLERANCE_MS = 5;

interface Visit {
  path: string;
  start: number;
  /** Requests being answered when this one arrived, itself included. */
  concurrent: number;
}

/** A site of PAGES pages, each linking to the next three and taking 20 ms to answer. */
function useRecordingSite(): Operation<{ origin: string; visits: Visit[] }> {
  return resource(function* (provide) {
    const visits: Visit[] = [];
    let active = 0;
    const server = yield* useHttpServer({
      shutdownGraceMs: 0,
      *handler(request) {
        const path = new URL(request.url).pathname;
        if (path === "/robots.txt") return new Response("", { status: 404 });
        active++;
        try {
          visits.push({ path, start: performance.now(), concurrent: active });
          yield* sleep(20);
          const n = Number(path.slice(1) || "0");
          const links = [1, 2, 3]
            .map((d) => n + d)
            .filter((m) => m < PAGES)
            .map((m) => `<a href="/${m}">${m}</a>`);
          return new Response(`<html><title>${n}</title>${links.join("")}</html>`, {
            headers: { "content-type": "text/html" },
          });
        } finally {
          active--;
        }
      },
    });
    yield* provide({ origin: server.url, visits });
  });
}

const url = serverUrl();

describe.skipIf(url === undefined)("politeness shared by every process of a crawl", () => {
  it("never has two requests at once on a host nor two starts closer than --delay, across 3 processes", function* () {
    const server = url!;
    const name = `polite-${randomUUID()}`;
    const site = yield* useRecordingSite();
    try {
      const run = yield* scoped(function* () {
        const cli = yield* useCli([
          "crawl",
          `${site.origin}/`,
          "--name",
          name,
          "--db",
          server,
          "--workers",
          "3",
          "--per-host",
          "1",
          "--delay",
          String(DELAY),
          "--json",
        ]);
        return { exit: yield* cli.exit, stdout: cli.stdout, stderr: cli.stderr };
      });
      expect(run.exit, run.stderr).toEqual({ code: 0, signal: null });
      const report = JSON.parse(run.stdout) as { processes: { finishedHere: number }[] };
      // Three processes took part. How the pages split between them is up to timing: on a
      // loaded machine the first one can finish the site before the others have started.
      expect(report.processes).toHaveLength(3);
      expect(site.visits).toHaveLength(PAGES);
      expect(Math.max(...site.visits.map((v) => v.concurrent))).toBe(1);
      const starts = site.visits.map((v) => v.start).sort((a, b) => a - b);
      const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(DELAY - TOLERANCE_MS);
    } finally {
      yield* scoped(function* () {
        const store = yield* createCrawlStore(yield* useDatabase(server));
        yield* store.db.query(sql`delete from crawls where name = ${name}`);
      });
    }
  }, 120_000);
});
