import type { Operation } from "@skein/core";
import type { Db } from "./db.js";
import { InvalidArgumentError } from "./errors.js";
import {
  checkOptionKeys,
  emptyVariables,
  type PostgresOptions,
  resolveServerSettings,
  wantsServer,
} from "./options.js";
import { usePglite } from "./pglite.js";
import { useServer } from "./server.js";

/**
 * Open a database for the current scope and return a {@link Db}. With a URL, a host or the
 * `PG*`/`DATABASE_URL` environment it is a postgres.js pool on a server; with nothing
 * configured (or `embedded`) it is an embedded PGlite in a worker thread (see
 * {@link usePglite} for what that cannot do). Everything is closed when the scope ends.
 *
 * Queries are cancelled on the server when halted. Deadlines (`timeout()`, `deadline()` from
 * `@skein/core`) are enforced by that cancel at the moment the deadline halts the query;
 * a transaction additionally starts with `SET LOCAL statement_timeout` set to the time left,
 * so the server stops its statements by itself even if the client has gone.
 *
 * @example
 * ```ts
 * import { sql, usePostgres } from "@skein/postgres";
 * import { main } from "@skein/core";
 *
 * await main(function* () {
 *   const db = yield* usePostgres({ max: 5, acquireTimeout: 2_000 });
 *   yield* db.transaction(function* (tx) {
 *     yield* tx.query(sql`insert into events (kind) values (${"signup"})`);
 *   });
 * });
 * ```
 *
 * @param given - connection settings (see {@link PostgresOptions} for precedence), or a
 *   `postgres://` URL, the same as `{ url }`
 * @returns an operation yielding the database handle
 */
export function usePostgres(given: PostgresOptions | string = {}): Operation<Db> {
  // A URL string is what postgres.js and pg take first; from plain JavaScript anything else
  // would have selected in-memory PGlite without a word.
  const options = typeof given === "string" ? { url: given } : given;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError("usePostgres() takes an options object or a URL string", given);
  }
  checkOptionKeys(options);
  if (!wantsServer(options)) {
    if (!options.embedded) {
      const empty = emptyVariables(options);
      process.emitWarning(
        `@skein/postgres: no server configured${empty.length > 0 ? ` (${empty.join(", ")} set but empty, so taken as unset)` : ""}: using an in-memory PGlite database, gone when the scope ends. Pass { embedded: true } to choose it and silence this.`,
        { code: "SKEIN_PG_IN_MEMORY" },
      );
    }
    const embedded = typeof options.embedded === "object" ? options.embedded : {};
    return usePglite({
      ...(embedded.dataDir === undefined ? {} : { dataDir: embedded.dataDir }),
      ...(embedded.settings === undefined ? {} : { settings: embedded.settings }),
      ...(options.acquireTimeout === undefined ? {} : { acquireTimeout: options.acquireTimeout }),
      ...(options.onNotice === undefined ? {} : { onNotice: options.onNotice }),
      ...(options.session === undefined ? {} : { session: options.session }),
      ...(options.types === undefined ? {} : { types: options.types }),
    });
  }
  return useServer(resolveServerSettings(options));
}
