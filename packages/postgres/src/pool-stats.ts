/**
 * A snapshot of a database handle's connections, from `db.stats()`.
 *
 * @example
 * ```ts
 * import { type PoolStats, usePostgres } from "@skein/postgres";
 * import { run } from "@skein/core";
 *
 * await run(function* () {
 *   const db = yield* usePostgres({ max: 4 });
 *   const stats: PoolStats = db.stats();
 *   console.log(stats); // { size: 4, idle: 4, busy: 0, waiting: 0 }
 * });
 * ```
 */
export interface PoolStats {
  /** Connections in the pool: `max` on a server, 1 for PGlite. */
  size: number;
  /** Connections with nothing in flight. */
  idle: number;
  /** Connections running a query, or held by a transaction, cursor, COPY or LISTEN setup. */
  busy: number;
  /** Callers waiting for a connection. */
  waiting: number;
}
