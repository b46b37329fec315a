import type { Operation } from "@skein/core";
import { createApi } from "@skein/core/experimental";
import type { Row } from "./db.js";
import type { Result } from "./result.js";

/**
 * A statement about to run, as query middleware sees it.
 *
 * @example
 * ```ts
 * import type { QueryEvent } from "@skein/postgres";
 *
 * const seen: QueryEvent = {
 *   text: "select $1::int as n",
 *   params: [1],
 *   backend: "server",
 *   target: "postgres://app@db:5432/app",
 *   script: false,
 * };
 * ```
 */
export interface QueryEvent {
  /** The SQL text, with `$n` placeholders. */
  readonly text: string;
  /** The parameter values, in placeholder order. */
  readonly params: readonly unknown[];
  /** Which engine runs it (see `Db.backend`). */
  readonly backend: "server" | "pglite";
  /** Where (see `Db.target`). */
  readonly target: string;
  /** Sent by `exec()`: trusted text of any number of statements. */
  readonly script: boolean;
}

/**
 * The members query middleware can surround (see {@link PostgresApi}).
 *
 * @example
 * ```ts
 * import type { PostgresQueries } from "@skein/postgres";
 *
 * type Query = PostgresQueries["query"];
 * ```
 */
export interface PostgresQueries {
  /**
   * Run one statement of `query()` or `exec()`, on a pool or in a transaction: `run` sends it.
   * Middleware calls `next(event, run)` to go on, or answers without it.
   */
  query(event: QueryEvent, run: () => Operation<Result<Row>>): Operation<Result<Row>>;
}

/**
 * Experimental. The hook for logging, timing, tracing and mocking queries: middleware installed
 * with `yield* PostgresApi.around({ *query([event, run], next) { ... } })` sees every statement
 * that `query()` and `exec()` run in that scope and the scopes below it, on every handle and in
 * every transaction, on both backends. Cursors, COPY, `LISTEN`/`NOTIFY` and the package's own
 * `BEGIN`/`COMMIT` do not pass through it. Built on `createApi()` from `@skein/core/experimental`,
 * whose API may still change.
 *
 * @example
 * ```ts
 * import { main } from "@skein/core";
 * import { createResult, PostgresApi, sql, usePostgres } from "@skein/postgres";
 *
 * await main(function* () {
 *   const db = yield* usePostgres();
 *   // Log and time every statement of this scope.
 *   yield* PostgresApi.around({
 *     *query([event, run], next) {
 *       const started = performance.now();
 *       try {
 *         return yield* next(event, run);
 *       } finally {
 *         console.log(event.text, `${(performance.now() - started).toFixed(1)} ms`);
 *       }
 *     },
 *   });
 *   yield* db.query(sql`select ${1}::int as one`);
 *   // A test can answer instead of the database.
 *   yield* PostgresApi.around({
 *     *query([event, run], next) {
 *       if (event.text.startsWith("select now()")) return createResult([{ now: new Date(0) }], "SELECT", 1);
 *       return yield* next(event, run);
 *     },
 *   });
 * });
 * ```
 */
export const PostgresApi = createApi<PostgresQueries>("@skein/postgres.queries", {
  query: (_event, run) => run(),
});
