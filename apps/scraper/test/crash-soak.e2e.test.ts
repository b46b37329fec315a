import { randomUUID } from "node:crypto";
import { type Operation, scoped } from "@skein/core";
import { it } from "@skein/core/test";
import { sql } from "@skein/postgres";
import { describe, expect } from "vitest";
import { type DemoServer, useDemoServer } from "../src/demo-site/use-demo-server.js";
import { type CrawlStore, createCrawlStore } from "../src/store/crawl-store.js";
import { useDatabase } from "../src/store/database.js";
import { serverUrl } from "../src/testing/test-databases.js";
import { type CliProcess, useCli } from "./use-cli.js";

/** Kills per soak: at least 10 in CI; `SOAK_KILLS=100` for a longer one. */
const KILLS = Math.max(1, Number(process.env.SOAK_KILLS ?? 10));
const PAGES = 150;
// About a minute for both soaks on a quiet 2-core machine; far more under heavy load.
const SLOW = 600_000;

const url = serverUrl();
if (url === undefined && (process.env.CI === "true" || process.env.CI === "1")) {
  throw new Error("CI is set but neither DATABASE_URL nor PGHOST is: cannot run the soak");
}

function pathOf(u: string): string {
  const parsed = new URL(u);
  return parsed.pathname + parsed.search;
}

function withStore<T>(body: (store: CrawlStore) => Operation<T>): Operation<T> {
  return scoped(function* () {
    return yield* body(yield* createCrawlStore(yield* useDatabase(url!)));
  });
}

/** path -> [status, title, error] of every stored page, and how many rows there were. */
function* resultOf(name: string): Operation<{ pages: Map<string, unknown>; rows: number }> {
  return yield* withStore(function* (store) {
    const { id } = yield* store.find(name);
    const pages = new Map<string, unknown>();
    let rows = 0;
    for (let after = ""; ; ) {
      const batch = yield* store.pages(id, after);
      if (batch.length === 0) break;
      for (const p of batch) pages.set(pathOf(p.url), [p.status, p.title, p.error]);
      rows += batch.length;
      after = batch[batch.length - 1]!.url;
    }
    return { pages, rows };
  });
}

/** The URLs leased in the crawl right now, by owner. */
function* leasedBy(name: string): Operation<Map<string, string[]>> {
  return yield* withStore(function* (store) {
    const { id } = yield* store.find(name);
    const rows = yield* store.db.query<{ url: string; owner: string }>(
      sql`select url, lease_owner as owner from urls where crawl = ${id} and state = 'leased'`,
    );
    const by = new Map<string, string[]>();
    for (const row of rows) by.set(row.owner, [...(by.get(row.owner) ?? []), pathOf(row.url)]);
    return by;
  });
}

/** The count of the first progress line at or beyond `n` pages. */
function atLeast(n: number) {
  return (line: string) => {
    const match = /^(\d+) pages/.exec(line);
    return match !== null && Number(match[1]) >= n ? Number(match[1]) : undefined;
  };
}

/** The pid part of the lease owner ids this process wrote. */
function ownerPid(owner: string): number {
  const parts = owner.split(":");
  return Number(parts[parts.length - 3]);
}

interface Reference {
  requests: ReadonlyMap<string, number>;
  pages: Map<string, unknown>;
  /** Seconds from the first progress line to the end, and the pages finished in them. */
  rate: number;
}

function* referenceCrawl(args: (origin: string, name: string) => string[]): Operation<Reference> {
  const site = yield* useDemoServer({ pages: PAGES, slowMs: 5 });
  const name = `soak-ref-${randomUUID()}`;
  try {
    const timing = yield* scoped(function* () {
      const cli = yield* useCli(args(site.origin, name));
      const first = yield* cli.line(atLeast(1));
      const from = performance.now();
      const exit = yield* cli.exit;
      expect(exit, cli.stderr).toEqual({ code: 0, signal: null });
      return { first, seconds: (performance.now() - from) / 1000 };
    });
    const { pages } = yield* resultOf(name);
    return { requests: site.requests, pages, rate: (pages.size - timing.first) / timing.seconds };
  } finally {
    yield* withStore(function* (store) {
      yield* store.db.query(sql`delete from crawls where name = ${name}`);
    });
  }
}

/** Every path fetched more often than the reference crawl did plus the kills that caught it. */
function overFetched(site: DemoServer, reference: Reference, inFlight: Map<string, number>) {
  return [...site.requests].filter(
    ([path, n]) =>
      path !== "/robots.txt" && n > (reference.requests.get(path) ?? 1) + (inFlight.get(path) ?? 0),
  );
}

describe.skipIf(url === undefined)(
  `crash-restart soak on a Postgres server (${KILLS} kills)`,
  () => {
    const base = (origin: string, name: string) => [
      "crawl",
      `${origin}/`,
      "--name",
      name,
      "--db",
      url!,
      "--progress",
      "50",
      "--delay",
      "5",
      "--per-host",
      "8",
    ];

    it(
      "kill -9 at random moments and restart at once: nothing lost, nothing duplicated, no refetch beyond the kills",
      function* () {
        const reference = yield* referenceCrawl(base);
        const site = yield* useDemoServer({ pages: PAGES, slowMs: 5 });
        const name = `soak-${randomUUID()}`;
        const inFlight = new Map<string, number>();
        try {
          let done = 0;
          for (let kill = 0; kill < KILLS; kill++) {
            const caught = yield* scoped(function* () {
              const cli = yield* useCli(base(site.origin, name));
              // A random moment: after 1 to 12 more pages than the last run had seen.
              done = yield* cli.line(atLeast(1 + Math.floor(Math.random() * 12)));
              cli.kill("SIGKILL");
              yield* cli.exit;
              return yield* leasedBy(name);
            });
            for (const paths of caught.values()) {
              for (const path of paths) inFlight.set(path, (inFlight.get(path) ?? 0) + 1);
            }
          }
          expect(done).toBeGreaterThan(0);
          const committed = (yield* resultOf(name)).pages.size;
          // The last run, started at once after the last kill, must not stall on dead leases:
          // it takes no more than twice the reference crawl's time for what is left.
          const last = yield* scoped(function* () {
            const cli = yield* useCli(base(site.origin, name));
            const first = yield* cli.line(atLeast(1));
            const from = performance.now();
            const exit = yield* cli.exit;
            return { exit, stderr: cli.stderr, first, seconds: (performance.now() - from) / 1000 };
          });
          expect(last.exit, last.stderr).toEqual({ code: 0, signal: null });
          const { pages, rows } = yield* resultOf(name);
          expect(rows).toBe(pages.size);
          expect(pages).toEqual(reference.pages);
          expect(overFetched(site, reference, inFlight)).toEqual([]);
          const share = reference.pages.size - committed - last.first;
          // 2 s at least: the summary, the process exit and the progress line's 50 ms cadence.
          expect(last.seconds).toBeLessThanOrEqual(Math.max(2, (2 * share) / reference.rate));
        } finally {
          yield* withStore(function* (store) {
            yield* store.db.query(sql`delete from crawls where name = ${name}`);
          });
        }
      },
      SLOW,
    );

    it(
      "3 processes on one crawl, killing one at a time and restarting it: the same result",
      function* () {
        const reference = yield* referenceCrawl(base);
        const site = yield* useDemoServer({ pages: PAGES, slowMs: 5 });
        const name = `soak3-${randomUUID()}`;
        const inFlight = new Map<string, number>();
        try {
          yield* scoped(function* () {
            // Paced (20 pages/s on the one host, shared by the three) so that the crawl outlasts
            // the kills and restarts.
            const args = [...base(site.origin, name), "--delay", "50"];
            const workers: CliProcess[] = [];
            for (let i = 0; i < 3; i++) workers.push(yield* useCli(args));
            for (let kill = 0; kill < KILLS; kill++) {
              const victim = kill % 3;
              const worker = workers[victim]!;
              if (!worker.running) break;
              yield* worker.line(atLeast(1 + Math.floor(Math.random() * 3)));
              // What it holds just before and just after: the others take a dead process's
              // leases back within a second, so after alone could miss some.
              const before = yield* leasedBy(name);
              worker.kill("SIGKILL");
              const exit = yield* worker.exit;
              if (exit.signal !== "SIGKILL") break; // it had finished the crawl first
              const after = yield* leasedBy(name);
              const held = new Set<string>();
              for (const leased of [before, after]) {
                for (const [owner, paths] of leased) {
                  if (ownerPid(owner) === worker.pid) for (const path of paths) held.add(path);
                }
              }
              for (const path of held) inFlight.set(path, (inFlight.get(path) ?? 0) + 1);
              workers[victim] = yield* useCli(args);
            }
            for (const worker of workers) {
              const exit = yield* worker.exit;
              expect(exit, worker.stderr).toEqual({ code: 0, signal: null });
            }
          });
          const { pages, rows } = yield* resultOf(name);
          expect(rows).toBe(pages.size);
          expect(pages).toEqual(reference.pages);
          expect(overFetched(site, reference, inFlight)).toEqual([]);
        } finally {
          yield* withStore(function* (store) {
            yield* store.db.query(sql`delete from crawls where name = ${name}`);
          });
        }
      },
      SLOW,
    );
  },
);
