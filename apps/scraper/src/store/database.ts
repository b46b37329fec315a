import { accessSync, constants, existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { label, type Operation, resource } from "@skein/core";
import { type Db, type PostgresOptions, sql, usePostgres } from "@skein/postgres";
import { DatabaseLocationError } from "./database-location-error.js";

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
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location)?.[1];
  if (scheme !== undefined && scheme.toLowerCase() !== "file") {
    throw new DatabaseLocationError(
      location,
      "unsupported",
      `${scheme}:// is not supported: use postgres://..., a directory, or memory://`,
    );
  }
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
  const options = databaseOptions(location);
  return resource<Db>(function* (provide) {
    yield* label("crawl database");
    const embedded = options.embedded;
    if (typeof embedded === "object" && embedded.dataDir !== undefined) {
      usableDirectory(location, embedded.dataDir);
    }
    let db: Db;
    try {
      db = yield* usePostgres(options);
      // A server is connected to lazily: find out now, not in the middle of the first query.
      if (db.backend === "server") yield* db.query(sql`select 1`);
    } catch (error) {
      const holder = error as { code?: unknown; holder?: { pid: number; host: string } };
      if (holder.code === "PG_DATA_DIR_LOCKED") {
        const who =
          holder.holder === undefined
            ? "another process"
            : `process ${holder.holder.pid} on ${holder.holder.host}`;
        throw new DatabaseLocationError(
          location,
          "locked",
          `in use by ${who}: an embedded database is opened by one process at a time (share a crawl through a postgres:// --db)`,
        );
      }
      const reason = (error as Error).message ?? String(error);
      throw new DatabaseLocationError(location, "unreachable", reason.split("\n")[0]!);
    }
    yield* provide(db);
  });
}

/**
 * `mkdir -p`, one level at a time: Node's recursive mkdirSync never returns for a path under
 * /proc (mkdir there fails with ENOENT, which it takes as a missing parent, again and again).
 */
function makeDirectories(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) mkdirSync(d);
}

/** Create the data directory if needed and check that it can be written, failing fast. */
function usableDirectory(location: string, dir: string): void {
  try {
    makeDirectories(resolve(dir));
    if (!statSync(dir).isDirectory()) throw new Error("not a directory");
    accessSync(dir, constants.W_OK | constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === undefined ? (error as Error).message : code;
    throw new DatabaseLocationError(
      location,
      "unusable",
      `cannot use ${dir} as a data directory (${reason})`,
    );
  }
}
