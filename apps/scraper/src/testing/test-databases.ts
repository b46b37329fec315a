import { randomUUID } from "node:crypto";
import { type Operation, resource } from "@skein/core";
import { createSuiteResource } from "@skein/core/test";
import { type Db, sql } from "@skein/postgres";
import { describe, it } from "vitest";
import { type CrawlStore, createCrawlStore } from "../store/crawl-store.js";
import { useDatabase } from "../store/database.js";

/** Internal to the tests. A database the crawl tests run against. */
export interface TestDatabase {
  /** Shown in the test names. */
  readonly label: string;
  /** What `useDatabase()` and the CLI's `--db` get. */
  readonly location: string;
  readonly kind: "embedded" | "server";
  /** The database every test of the suite shares, when it has one (embedded PGlite). */
  readonly shared?: () => Db;
}

/** Internal to the tests. A store on a test database and unique crawl names for one test. */
export interface TestStore {
  readonly store: CrawlStore;
  /** `base` made unique to this test, so runs on a shared server never meet. */
  name(base: string): string;
}

const env = process.env;

/**
 * Internal to the tests. The Postgres server from `DATABASE_URL` or `PG*`, if one is configured.
 *
 * @returns its URL, or undefined
 */
export function serverUrl(): string | undefined {
  if (env.DATABASE_URL !== undefined) return env.DATABASE_URL;
  if (env.PGHOST === undefined) return undefined;
  const user = encodeURIComponent(env.PGUSER ?? "postgres");
  return `postgres://${user}@${env.PGHOST}:${env.PGPORT ?? 5432}/${env.PGDATABASE ?? "postgres"}`;
}

/**
 * Internal to the tests. Declare `suite` once for embedded PGlite and once for the server when
 * one is configured. Without one the server run is skipped with its reason, except under CI,
 * where a missing server fails.
 *
 * @param title - the describe block's name
 * @param suite - declares the tests for one database
 */
export function describeDatabases(title: string, suite: (database: TestDatabase) => void): void {
  describe(`${title} on embedded PGlite`, () => {
    const shared = useSuiteDatabase("memory://");
    suite({ label: "embedded PGlite", location: "memory://", kind: "embedded", shared });
  });
  const url = serverUrl();
  if (url !== undefined) {
    describe(`${title} on a Postgres server`, () => {
      suite({ label: "a Postgres server", location: url, kind: "server" });
    });
  } else if (env.CI === "true" || env.CI === "1") {
    describe(`${title} on a Postgres server`, () => {
      it("has a server configured in CI", () => {
        throw new Error("CI is set but neither DATABASE_URL nor PGHOST is: cannot run on a server");
      });
    });
  } else {
    describe.skip(`${title} on a Postgres server (skipped: set PGHOST or DATABASE_URL)`, () => {
      it("needs a server", () => {});
    });
  }
}

/**
 * One database for every test of the suite declaring it, opened before the first test and
 * closed after the last, in a scope the suite owns. Booting PGlite and creating the schema took
 * seconds per test; the tests already keep to their own crawl names, as on a shared server.
 */
function useSuiteDatabase(location: string): () => Db {
  return createSuiteResource(function* () {
    const database = yield* useDatabase(location);
    yield* createCrawlStore(database);
    return database;
  }, 120_000);
}

/**
 * Internal to the tests. A crawl store on `database` for the current scope (on the suite's
 * shared database when it has one). The crawls named through `name()` are deleted when the
 * scope ends, since other tests go on using the database.
 *
 * @param database - where
 * @returns the store and a name maker
 */
export function useTestStore(database: TestDatabase): Operation<TestStore> {
  return resource<TestStore>(function* (provide) {
    const db = database.shared?.() ?? (yield* useDatabase(database.location));
    const store = yield* createCrawlStore(db);
    const prefix = `test-${randomUUID()}-`;
    try {
      yield* provide({ store, name: (base) => prefix + base });
    } finally {
      yield* db.query(sql`delete from crawls where starts_with(name, ${prefix})`);
    }
  });
}
