import type { Operation } from "@skein/core";
import { type Db, type PostgresOptions, usePostgres } from "@skein/postgres";

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
 * The `@skein/postgres` options for a {@link DatabaseLocation}. A location that is not a URL
 * always means embedded PGlite, even when `PG*` variables are set; a URL's missing parts (the
 * password, say) come from `PG*` as `usePostgres()` documents.
 *
 * @example
 * ```ts
 * import { databaseOptions } from "@skein/scraper";
 *
 * databaseOptions("./.skein-scrape"); // { embedded: { dataDir: "./.skein-scrape" } }
 * databaseOptions("postgres://db/crawls"); // { url: "postgres://db/crawls", max: 16 }
 * ```
 *
 * @param location - see {@link DatabaseLocation}
 * @returns options for `usePostgres()`
 */
export function databaseOptions(location: DatabaseLocation): PostgresOptions {
  if (/^postgres(ql)?:\/\//i.test(location)) return { url: location, max: 16 };
  if (location === "memory://") return { embedded: true };
  const dataDir = location.startsWith("file://") ? new URL(location).pathname : location;
  return { embedded: { dataDir } };
}

/**
 * Open the crawl database with `@skein/postgres` for the current scope; it is closed when the
 * scope ends. Embedded PGlite holds its data directory exclusively: one process at a time.
 * Share a crawl between processes through a server URL.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { sql } from "@skein/postgres";
 * import { useDatabase } from "@skein/scraper";
 *
 * await run(function* () {
 *   const db = yield* useDatabase("postgres://localhost/crawls");
 *   yield* db.query(sql`select 1`);
 * });
 * ```
 *
 * @param location - see {@link DatabaseLocation}; default `memory://`
 * @returns an operation yielding the `Db`
 */
export function useDatabase(location: DatabaseLocation = "memory://"): Operation<Db> {
  return usePostgres(databaseOptions(location));
}
