import { type Operation, waitingFor } from "@skein/core";
import { createApi } from "@skein/core/experimental";
import type { Row } from "./db.js";
import { InvalidArgumentError } from "./errors.js";
import type { Result } from "./result.js";
import type { Statement } from "./sql.js";
import { queryWait } from "./wait-description.js";

/** Internal. What runs a {@link PostgresQuery}, and the compiled statement it came from. */
const RUNNER = Symbol("@skein/postgres runner");
const STATEMENT = Symbol("@skein/postgres statement");

/** Internal. What runs a statement: a backend, or a session of a transaction. */
export interface Runner {
  run(query: Statement): Operation<Result<Row>>;
}

/**
 * One statement as the {@link Postgres} API's `query` sees it: every `query()` and `exec()` of a
 * handle or a transaction, and the statements a transaction sends itself (`begin`, `commit`,
 * `rollback`, savepoints). Middleware may pass `next` a copy with other `text` or `params`
 * (spread it: `{ ...query, text }`).
 *
 * @example
 * ```ts
 * import type { PostgresQuery } from "@skein/postgres";
 *
 * const describe = (query: PostgresQuery) =>
 *   `${query.backend} ${query.text} ${JSON.stringify(query.params)}`;
 * ```
 */
export interface PostgresQuery {
  /** The SQL text, with `$1`, `$2`... placeholders. */
  readonly text: string;
  /** The parameters' values. */
  readonly params: readonly unknown[];
  /** Which engine runs it. */
  readonly backend: "server" | "pglite";
  /** Where the data lives (see `Db.target`). */
  readonly target: string;
  /** Sent on a transaction's connection. */
  readonly inTransaction: boolean;
}

/**
 * The members of the {@link Postgres} API.
 *
 * @example
 * ```ts
 * import type { PostgresApi } from "@skein/postgres";
 *
 * type Query = PostgresApi["query"];
 * ```
 */
export interface PostgresApi {
  /** Run one statement and return its result; halting it cancels the statement. */
  query(query: PostgresQuery): Operation<Result<Row>>;
}

/** A statement as Skein hands it to the API: the public fields, and what runs it. */
class Query implements PostgresQuery {
  readonly [RUNNER]: Runner;
  readonly [STATEMENT]: Statement;
  constructor(
    readonly text: string,
    readonly params: readonly unknown[],
    readonly backend: "server" | "pglite",
    readonly target: string,
    readonly inTransaction: boolean,
    runner: Runner,
    statement: Statement,
  ) {
    this[RUNNER] = runner;
    this[STATEMENT] = statement;
  }
}

function runOf(query: PostgresQuery): Operation<Result<Row>> {
  const runner = (query as Partial<Query>)[RUNNER];
  const statement = (query as Partial<Query>)[STATEMENT];
  if (
    runner === undefined ||
    statement === undefined ||
    typeof query.text !== "string" ||
    !Array.isArray(query.params)
  ) {
    throw new InvalidArgumentError(
      "Postgres.query needs the query Skein passed to the middleware (or a copy of it)",
      query,
    );
  }
  const same = query.text === statement.text && query.params === statement.params;
  const sent = same ? statement : { text: query.text, params: query.params };
  return waitingFor(queryWait(sent.text), runner.run(sent));
}

/**
 * The API every statement of `@skein/postgres` runs through (effection's `createApi()`, from
 * `@skein/core/experimental`): middleware installed with `Postgres.around()` on a scope sees
 * every statement run in that scope and the scopes below it (also tasks that already exist),
 * on both backends, and never runs twice for one statement. Use it for a query log (text,
 * parameters, duration, row count or error), tracing, or to mock results in a test. With no
 * middleware installed a statement costs next to nothing more.
 *
 * A halted statement is cancelled on the server as usual: halting the task unwinds the
 * middleware too. Cursors, `COPY` and `LISTEN` do not go through it.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { Postgres, sql, usePostgres } from "@skein/postgres";
 *
 * await run(function* () {
 *   yield* Postgres.around({
 *     *query([query], next) {
 *       const start = performance.now();
 *       try {
 *         const result = yield* next(query);
 *         console.log(query.text, query.params, result.rowCount, performance.now() - start);
 *         return result;
 *       } catch (error) {
 *         console.log(query.text, query.params, "failed:", error);
 *         throw error;
 *       }
 *     },
 *   });
 *   const db = yield* usePostgres();
 *   yield* db.query(sql`select ${1}::int as one`); // logged
 * });
 * ```
 */
export const Postgres = createApi<PostgresApi>("@skein/postgres", {
  query: runOf,
});

/**
 * Internal. Run `statement` on `runner` through the {@link Postgres} API.
 *
 * @param runner - a backend or a transaction's session
 * @param statement - the compiled statement
 * @param where - the handle's engine and target
 * @param inTransaction - whether `runner` is a transaction's session
 * @returns the result
 */
export function runStatement(
  runner: Runner,
  statement: Statement,
  where: { readonly kind: "server" | "pglite"; readonly target: string },
  inTransaction: boolean,
): Operation<Result<Row>> {
  return Postgres.operations.query(
    new Query(
      statement.text,
      statement.params,
      where.kind,
      where.target,
      inTransaction,
      runner,
      statement,
    ),
  );
}
