import type { Operation, Stream } from "@skein/core";
import type { PoolStats } from "./pool-stats.js";
import type { Result } from "./result.js";
import type { Fragment } from "./sql.js";

/**
 * A result row: column names to values. Pass your own row type to `query<T>()` instead.
 *
 * @example
 * ```ts
 * import type { Row } from "@skein/postgres";
 *
 * const row: Row = { id: 1, name: "ada" };
 * ```
 */
export type Row = Record<string, unknown>;

/**
 * Options for {@link Queryable.cursor}.
 *
 * @example
 * ```ts
 * import type { CursorOptions } from "@skein/postgres";
 *
 * const options: CursorOptions = { batch: 500 };
 * ```
 */
export interface CursorOptions {
  /** Rows fetched from the server per round trip; at most this many are buffered. Default 100. */
  batch?: number;
}

/**
 * Transaction isolation levels, as PostgreSQL spells them.
 *
 * @example
 * ```ts
 * import type { IsolationLevel } from "@skein/postgres";
 *
 * const level: IsolationLevel = "serializable";
 * ```
 */
export type IsolationLevel = "read committed" | "repeatable read" | "serializable";

/**
 * Options for {@link Db.transaction}.
 *
 * @example
 * ```ts
 * import type { TransactionOptions } from "@skein/postgres";
 *
 * const options: TransactionOptions = { isolation: "serializable", retrySerialization: 5 };
 * ```
 */
export interface TransactionOptions {
  /** Default: the server's `default_transaction_isolation` (normally read committed). */
  isolation?: IsolationLevel;
  /** Start the transaction `READ ONLY`. Default false. */
  readOnly?: boolean;
  /**
   * Run the whole body again after a serialization failure (40001) or a deadlock (40P01):
   * `true` allows 3 attempts in all, a number sets the attempts. Default: no retry. The body
   * must then be safe to run more than once.
   */
  retrySerialization?: boolean | number;
}

/**
 * What both a pool and a transaction can do: run queries and stream rows.
 *
 * @example
 * ```ts
 * import { type Queryable, sql } from "@skein/postgres";
 *
 * function* countUsers(db: Queryable) {
 *   const [row] = yield* db.query<{ n: number }>(sql`select count(*)::int as n from users`);
 *   return row?.n ?? 0;
 * }
 * ```
 */
export interface Queryable {
  /**
   * Run one statement and return its rows, with its `command` and `rowCount` (see
   * {@link Result}). Halting it cancels the statement on the server and
   * waits until the connection is ready again.
   */
  query<T extends object = Row>(query: Fragment): Operation<Result<T>>;
  /**
   * Stream a query's rows, fetching `batch` rows at a time only as fast as they are consumed.
   * The connection is held while the subscription is alive.
   */
  cursor<T extends object = Row>(query: Fragment, options?: CursorOptions): Stream<T, void>;
  /**
   * The escape hatch: run `script`, SQL text of any number of statements, as it is (a
   * migration file, say). It is sent whole, without parameters, in the simple protocol: the
   * statements run in one implicit transaction unless the script has its own `BEGIN`/`COMMIT`.
   * **Only ever pass trusted text**: nothing in it is quoted, so text built from input is SQL
   * injection. Inside {@link Db.transaction} the script must not end the transaction itself.
   * Halting it cancels it like a query.
   */
  exec(script: string): Operation<void>;
}

/**
 * A transaction in progress, handed to the body of {@link Db.transaction}. Its own
 * `transaction()` opens a savepoint: a failure inside rolls back to it and is rethrown.
 *
 * @example
 * ```ts
 * import { sql, type Transaction } from "@skein/postgres";
 *
 * function* transfer(tx: Transaction, from: number, to: number, amount: number) {
 *   yield* tx.query(sql`update accounts set balance = balance - ${amount} where id = ${from}`);
 *   yield* tx.query(sql`update accounts set balance = balance + ${amount} where id = ${to}`);
 * }
 * ```
 */
export interface Transaction extends Queryable {
  /** Run `body` inside a savepoint: released on return, rolled back to on error or halt. */
  transaction<R>(body: (tx: Transaction) => Operation<R>): Operation<R>;
}

/**
 * A database handle from {@link usePostgres}, over a server pool or an embedded PGlite.
 *
 * @example
 * ```ts
 * import { sql, usePostgres } from "@skein/postgres";
 * import { run } from "@skein/core";
 *
 * await run(function* () {
 *   const db = yield* usePostgres();
 *   const rows = yield* db.query<{ one: number }>(sql`select 1 as one`);
 *   console.log(rows[0]?.one, db.backend);
 * });
 * ```
 */
export interface Db extends Queryable {
  /** Which engine answers: `"server"` (postgres.js) or `"pglite"` (embedded). */
  readonly backend: "server" | "pglite";
  /**
   * Where the data lives, for logs: `"postgres://user@host:port/database"` (never the
   * password), `"pglite:memory"` or `"pglite:<dataDir>"`.
   */
  readonly target: string;
  /** How many connections are idle and busy, and how many callers wait for one, right now. */
  stats(): PoolStats;
  /**
   * Run `body` in a transaction on one connection: commit when it returns, roll back when it
   * throws or is halted. Work the body spawns ends before the commit.
   */
  transaction<R>(
    body: (tx: Transaction) => Operation<R>,
    options?: TransactionOptions,
  ): Operation<R>;
  /**
   * The payloads sent to `channel`. `LISTEN` has been issued when the subscription is
   * returned; after a lost connection the server backend listens again (notifications sent
   * while it was away are lost). Items are buffered without limit: notifications cannot be
   * slowed down.
   */
  listen(channel: string): Stream<string, never>;
  /** `pg_notify(channel, payload)`. */
  notify(channel: string, payload: string): Operation<void>;
  /** The output of a `COPY ... TO STDOUT` statement, chunk by chunk. Server backend only. */
  copyTo(query: Fragment): Stream<Uint8Array, void>;
  /**
   * Feed a `COPY ... FROM STDIN` statement from `source` until it closes; the source is read
   * no faster than the server accepts. Server backend only.
   */
  copyFrom(query: Fragment, source: Stream<Uint8Array | string, unknown>): Operation<void>;
}
