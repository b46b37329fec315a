import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Operation, resource, scoped, sleep } from "@skein/core";
import { it } from "@skein/core/test";
import { sql } from "@skein/postgres";
import { describe, expect } from "vitest";
import { type DemoServer, useDemoServer } from "../src/demo-site/use-demo-server.js";
import { CrawlNotFoundError } from "../src/store/crawl-not-found-error.js";
import { ATTEMPTS_EXHAUSTED, type CrawlStore, createCrawlStore } from "../src/store/crawl-store.js";
import { useDatabase } from "../src/store/database.js";
import { serverUrl } from "../src/testing/test-databases.js";
import { type CliProcess, useCli } from "./use-cli.js";

/** Kills per soak: 6 by default (and in CI, to keep the suite short); `SOAK_KILLS=100` for a longer one. */
const KILLS = Math.max(1, Number(process.env.SOAK_KILLS ?? 6));
const PAGES = 150;
// About 40 s for the file on a quiet 2-core machine; far more under heavy load.
const SLOW = 600_000;
/**
 * A run may take twice its share of the reference crawl's time, and this long in any case:
 * process exit and the 50 ms progress cadence, and the load changing between the reference
 * run and this one. What the bound is there to catch is a run stalled on dead leases, which
 * waits for them to expire (60 s).
 */
const FLOOR_S = 10;

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

/** A crawl name unique to this test, whose crawl is deleted when the scope ends. */
function useCrawlName(base: string): Operation<string> {
  return resource<string>(function* (provide) {
    const name = `${base}-${randomUUID()}`;
    try {
      yield* provide(name);
    } finally {
      yield* withStore(function* (store) {
        yield* store.db.query(sql`delete from crawls where name = ${name}`);
      });
    }
  });
}

interface Outcome {
  /** path -> [status, title, error] of every stored page. */
  pages: Map<string, unknown>;
  /** Page rows, duplicates included (the primary key should make them impossible). */
  rows: number;
  queued: number;
  leased: number;
}

function* outcomeOf(name: string): Operation<Outcome> {
  return yield* withStore(function* (store) {
    const { id } = yield* store.find(name);
    const pages = new Map<string, unknown>();
    const [row] = yield* store.db.query<{ n: number }>(
      sql`select count(*)::int as n from pages where crawl = ${id}`,
    );
    for (let after = ""; ; ) {
      const batch = yield* store.pages(id, after);
      if (batch.length === 0) break;
      for (const p of batch) pages.set(pathOf(p.url), [p.status, p.title, p.error]);
      after = batch[batch.length - 1]!.url;
    }
    const { queued, leased } = yield* store.counts(id);
    return { pages, rows: row?.n ?? 0, queued, leased };
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

/** As {@link leasedBy}, and nothing while the crawl has yet to be created. */
function* leasedOrNone(name: string): Operation<Map<string, string[]>> {
  try {
    return yield* leasedBy(name);
  } catch (error) {
    if (error instanceof CrawlNotFoundError) return new Map();
    throw error;
  }
}

/** The pages count of the first progress line (this process's pages) at or beyond `n`. */
function atLeast(n: number) {
  return (line: string) => {
    const match = /^(\d+) pages/.exec(line);
    return match !== null && Number(match[1]) >= n ? Number(match[1]) : undefined;
  };
}

/** The pid in a lease owner id (`host:pid:start:suffix`). */
function ownerPid(owner: string): number {
  const parts = owner.split(":");
  return Number(parts[parts.length - 3]);
}

interface Reference {
  requests: ReadonlyMap<string, number>;
  outcome: Outcome;
  /** Pages per second from the first progress line to the exit. */
  rate: number;
}

/** One uninterrupted crawl of the same site, to compare with. */
function* referenceCrawl(args: (origin: string, name: string) => string[]): Operation<Reference> {
  const site = yield* useDemoServer({ pages: PAGES, slowMs: 5 });
  const name = yield* useCrawlName("soak-ref");
  const timing = yield* scoped(function* () {
    const cli = yield* useCli(args(site.origin, name));
    const first = yield* cli.line(atLeast(0));
    const from = performance.now();
    const exit = yield* cli.exit;
    expect(exit, cli.stderr).toEqual({ code: 0, signal: null });
    return { first, seconds: (performance.now() - from) / 1000 };
  });
  const outcome = yield* outcomeOf(name);
  const rate = (outcome.pages.size - timing.first) / timing.seconds;
  return { requests: new Map(site.requests), outcome, rate };
}

/** Every path requested more often than in the reference crawl plus the kills that caught it. */
function overFetched(site: DemoServer, reference: Reference, caught: Map<string, number>) {
  return [...site.requests].filter(
    ([path, n]) =>
      path !== "/robots.txt" && n > (reference.requests.get(path) ?? 1) + (caught.get(path) ?? 0),
  );
}

/**
 * The crawl ended as the uninterrupted reference did: every page once, nothing left queued or
 * leased, the same pages with the same results, and no page fetched more often than in the
 * reference plus the kills that caught it.
 */
function expectUninterrupted(
  outcome: Outcome,
  reference: Reference,
  site: DemoServer,
  caught: Map<string, number>,
): void {
  expect(outcome.rows).toBe(outcome.pages.size);
  expect(outcome).toMatchObject({ queued: 0, leased: 0 });
  expect(outcome.pages).toEqual(reference.outcome.pages);
  expect(overFetched(site, reference, caught)).toEqual([]);
}

function count(caught: Map<string, number>, paths: Iterable<string>): void {
  for (const path of paths) caught.set(path, (caught.get(path) ?? 0) + 1);
}

/** A run's pages and the seconds they took, from its first progress line on. */
interface RunTiming {
  pages: number;
  seconds: number;
}

/** The runs that took longer than twice their share of the reference crawl's time. */
function slowRuns(runs: RunTiming[], reference: Reference): RunTiming[] {
  return runs.filter((run) => run.seconds > Math.max(FLOOR_S, (2 * run.pages) / reference.rate));
}

describe.skipIf(url === undefined)(
  `crash-restart soak on a Postgres server (${KILLS} kills)`,
  () => {
    // Every kill counts as a claim of the URLs it caught (see the README): a crawl expected to
    // be killed this often says so, or a slow URL caught by every kill would end exhausted.
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
      "--max-attempts",
      String(KILLS + 2),
    ];

    // One uninterrupted crawl serves every soak here: same site, same arguments, same result.
    let reference: Reference | undefined;
    function* sharedReference(): Operation<Reference> {
      if (reference === undefined) reference = yield* referenceCrawl(base);
      return reference;
    }

    it(
      "kill -9 at random moments and restart at once: nothing lost, nothing duplicated, no refetch beyond the kills",
      function* () {
        const reference = yield* sharedReference();
        const site = yield* useDemoServer({ pages: PAGES, slowMs: 5 });
        const name = yield* useCrawlName("soak");
        const caught = new Map<string, number>();
        const runs: RunTiming[] = [];
        for (let kill = 0; kill < KILLS; kill++) {
          const held = yield* scoped(function* () {
            const cli = yield* useCli(base(site.origin, name));
            const first = yield* cli.line(atLeast(0));
            const from = performance.now();
            // A random moment: after 1 to 12 pages of this run.
            const done = yield* cli.line(atLeast(1 + Math.floor(Math.random() * 12)));
            cli.kill("SIGKILL");
            runs.push({ pages: done - first, seconds: (performance.now() - from) / 1000 });
            expect((yield* cli.exit).signal).toBe("SIGKILL");
            return yield* leasedBy(name);
          });
          // Nobody else runs: what is leased now, the killed run held.
          for (const paths of held.values()) count(caught, paths);
        }
        const committed = (yield* outcomeOf(name)).pages.size;
        const last = yield* scoped(function* () {
          const cli = yield* useCli(base(site.origin, name));
          const first = yield* cli.line(atLeast(0));
          const from = performance.now();
          const exit = yield* cli.exit;
          return { exit, stderr: cli.stderr, first, seconds: (performance.now() - from) / 1000 };
        });
        expect(last.exit, last.stderr).toEqual({ code: 0, signal: null });
        runs.push({
          pages: reference.outcome.pages.size - committed - last.first,
          seconds: last.seconds,
        });
        expectUninterrupted(yield* outcomeOf(name), reference, site, caught);
        // Some kills caught URLs in flight, or the soak tested nothing.
        expect(caught.size).toBeGreaterThan(0);
        expect(slowRuns(runs, reference)).toEqual([]);
      },
      SLOW,
    );

    it(
      "3 worker processes on one crawl, killing one at a time and restarting it at once: the same result",
      function* () {
        const reference = yield* sharedReference();
        const site = yield* useDemoServer({ pages: PAGES, slowMs: 5 });
        const name = yield* useCrawlName("soak3");
        const caught = new Map<string, number>();
        let kills = 0;
        yield* scoped(function* () {
          // What `--workers 3` starts (and what other machines add): processes resuming one
          // crawl by name. Paced (10 pages/s on the one host, shared by the three: 15 s at
          // least) so that the crawl outlasts the kills, which wait for each restarted process.
          const args = [...base(site.origin, name), "--delay", "100"];
          const workers: CliProcess[] = [];
          for (let i = 0; i < 3; i++) workers.push(yield* useCli(args));
          for (; kills < KILLS; kills++) {
            const victim = kills % 3;
            const worker = workers[victim]!;
            yield* worker.line(atLeast(1 + Math.floor(Math.random() * 3)));
            // What it holds just before and just after: the others take a dead process's
            // leases back within a second, so the second look alone could miss some.
            const before = yield* leasedBy(name);
            worker.kill("SIGKILL");
            expect((yield* worker.exit).signal).toBe("SIGKILL");
            const after = yield* leasedBy(name);
            const held = new Set<string>();
            for (const leased of [before, after]) {
              for (const [owner, paths] of leased) {
                if (ownerPid(owner) === worker.pid) for (const path of paths) held.add(path);
              }
            }
            count(caught, held);
            workers[victim] = yield* useCli(args);
          }
          for (const worker of workers) {
            const exit = yield* worker.exit;
            expect(exit, worker.stderr).toEqual({ code: 0, signal: null });
          }
        });
        expect(kills).toBe(KILLS);
        expectUninterrupted(yield* outcomeOf(name), reference, site, caught);
        expect(caught.size).toBeGreaterThan(0);
      },
      SLOW,
    );

    it(
      "--workers 3: a worker killed with kill -9 is replaced at once, and the crawl ends with the uninterrupted result",
      function* () {
        const reference = yield* sharedReference();
        const site = yield* useDemoServer({ pages: PAGES, slowMs: 5 });
        const name = yield* useCrawlName("soakw");
        const caught = new Map<string, number>();
        const killed = new Set<number>();
        const exit = yield* scoped(function* () {
          // Paced like the test above, so that the crawl outlasts the kills.
          const cli = yield* useCli([
            ...base(site.origin, name),
            "--delay",
            "100",
            "--workers",
            "3",
          ]);
          for (let kill = 0; kill < 3; kill++) {
            // A worker of this parent that holds leases now and was not killed before.
            let victim: { pid: number; paths: string[] } | undefined;
            for (let tries = 0; victim === undefined; tries++) {
              if (tries > 3000) throw new Error("no worker process took a lease");
              for (const [owner, paths] of yield* leasedOrNone(name)) {
                const pid = ownerPid(owner);
                if (pid !== cli.pid && !killed.has(pid)) victim = { pid, paths };
              }
              if (victim === undefined) yield* sleep(10);
            }
            process.kill(victim.pid, "SIGKILL");
            killed.add(victim.pid);
            const held = new Set(victim.paths);
            for (const [owner, paths] of yield* leasedBy(name)) {
              if (ownerPid(owner) === victim.pid) for (const path of paths) held.add(path);
            }
            count(caught, held);
          }
          const exit = yield* cli.exit;
          return { exit, stderr: cli.stderr };
        });
        expect(exit.exit, exit.stderr).toEqual({ code: 0, signal: null });
        expect(exit.stderr.match(/killed by SIGKILL; starting another/g)).toHaveLength(3);
        expectUninterrupted(yield* outcomeOf(name), reference, site, caught);
      },
      SLOW,
    );

    it(
      "a URL that kills the crawler every time it is fetched ends attempts-exhausted, and the crawl ends",
      function* () {
        const dir = yield* resource<string>(function* (provide) {
          const made = mkdtempSync(join(tmpdir(), "skein-soak-"));
          try {
            yield* provide(made);
          } finally {
            rmSync(made, { recursive: true, force: true });
          }
        });
        const extractor = join(dir, "crash.mjs");
        writeFileSync(
          extractor,
          `export default ({ url }) => {
  if (new URL(url).pathname === "/p/2") process.kill(process.pid, "SIGKILL");
};
`,
        );
        const site = yield* useDemoServer({ pages: 20, slowMs: 5 });
        const name = yield* useCrawlName("crasher");
        // One URL at a time, so that each crash catches the one that caused it.
        const args = [
          "crawl",
          `${site.origin}/`,
          "--name",
          name,
          "--db",
          url!,
          "--concurrency",
          "1",
          "--max-attempts",
          "3",
          "--extractor",
          extractor,
          "--json",
        ];
        const exits = [];
        for (let run = 0; run < 4; run++) {
          const exit = yield* scoped(function* () {
            const cli = yield* useCli(args);
            return { ...(yield* cli.exit), stdout: cli.stdout };
          });
          exits.push(exit.signal ?? exit.code);
          if (exit.code === 0) {
            const summary = JSON.parse(exit.stdout) as { topErrors: unknown[] };
            // At least /p/2 (checked below). By the rule in the README a death counts against
            // every URL the process held, so a URL leased beside it in all three runs (its
            // write-behind not yet flushed) can end exhausted too.
            expect(summary.topErrors).toContainEqual({
              error: ATTEMPTS_EXHAUSTED,
              pages: expect.any(Number),
            });
            break;
          }
        }
        // Claimed three times, each ending in a crash; the fourth run fails it and finishes.
        expect(exits).toEqual(["SIGKILL", "SIGKILL", "SIGKILL", 0]);
        expect(site.requests.get("/p/2")).toBe(3);
        const outcome = yield* outcomeOf(name);
        expect(outcome.pages.get("/p/2")).toEqual([null, null, ATTEMPTS_EXHAUSTED]);
        expect(outcome).toMatchObject({ queued: 0, leased: 0 });
      },
      SLOW,
    );
  },
);
