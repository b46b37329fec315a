import { PGlite } from "@electric-sql/pglite";
import { action, type Operation, resource, until } from "@skein/core";
import postgres from "postgres";

/**
 * The few things the crawl store needs from Postgres: one statement at a time, each atomic on
 * its own. Every write the store makes is a single statement, so it needs no transactions.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { type Database, useDatabase } from "@skein/scraper";
 *
 * await run(function* () {
 *   const db: Database = yield* useDatabase();
 *   const [row] = yield* db.query<{ one: number }>("select 1 as one");
 * });
 * ```
 */
export interface Database {
  /** `embedded` for PGlite in this process, `server` for a Postgres server. */
  readonly kind: "embedded" | "server";
  /** Run one statement with `$n` parameters and return its rows. */
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Operation<T[]>;
  /** Run a script of several statements without parameters. */
  exec(script: string): Operation<void>;
}

/**
 * Where the data lives: a `postgres://` URL for a server, a directory (or `file://` URL) for an
 * embedded PGlite database, or `memory://` (the default) for a throw-away embedded one.
 *
 * @example
 * ```ts
 * import type { DatabaseLocation } from "@skein/scraper";
 *
 * const local: DatabaseLocation = "./.skein-scrape";
 * const shared: DatabaseLocation = "postgres://crawler@db.internal/crawls";
 * ```
 */
export type DatabaseLocation = string;

/**
 * Open the crawl database for the current scope and close it when the scope ends. Embedded
 * PGlite holds its data directory exclusively: one process at a time. Share a crawl between
 * processes through a server URL.
 *
 * It talks to PGlite and postgres.js directly: `@skein/postgres` was not usable yet.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { useDatabase } from "@skein/scraper";
 *
 * await run(function* () {
 *   const db = yield* useDatabase("postgres://localhost/crawls");
 *   yield* db.exec("select 1");
 * });
 * ```
 *
 * @param location - see {@link DatabaseLocation}; default `memory://`
 * @returns an operation yielding the {@link Database}
 */
export function useDatabase(location: DatabaseLocation = "memory://"): Operation<Database> {
  return /^postgres(ql)?:\/\//i.test(location) ? useServer(location) : useEmbedded(location);
}

function useEmbedded(location: string): Operation<Database> {
  return resource<Database>(function* (provide) {
    const dataDir = location.startsWith("file://") ? new URL(location).pathname : location;
    const db = yield* until(PGlite.create(dataDir === "memory://" ? undefined : dataDir));
    try {
      yield* provide({
        kind: "embedded",
        *query<T>(text: string, params: readonly unknown[] = []) {
          const result = yield* until(db.query<T>(text, params as unknown[]));
          return result.rows;
        },
        *exec(script: string) {
          yield* until(db.exec(script));
        },
      });
    } finally {
      yield* until(db.close());
    }
  });
}

function useServer(url: string): Operation<Database> {
  return resource<Database>(function* (provide) {
    const sql = postgres(url, { max: 10, onnotice: () => {} });
    try {
      yield* provide({
        kind: "server",
        query<T>(text: string, params: readonly unknown[] = []) {
          return action<T[]>((resolve, reject) => {
            const pending = sql.unsafe(text, params as postgres.ParameterOrJSON<never>[]);
            pending.then((rows) => resolve([...rows] as T[]), reject);
            return () => {
              pending.cancel();
            };
          });
        },
        *exec(script: string) {
          yield* until(sql.unsafe(script).simple());
        },
      });
    } finally {
      yield* until(sql.end({ timeout: 5 }));
    }
  });
}
