import { hostname } from "node:os";

/**
 * A stable name for the SQLSTATE classes and codes applications most often branch on. Codes
 * not listed fall back to their class name (`"integrity_constraint_violation"`), then to
 * `"other"`.
 *
 * @example
 * ```ts
 * import { PostgresError, type PostgresErrorKind } from "@skein/postgres";
 *
 * function isRetryable(kind: PostgresErrorKind) {
 *   return kind === "serialization_failure" || kind === "deadlock_detected";
 * }
 * ```
 */
export type PostgresErrorKind =
  | "unique_violation"
  | "foreign_key_violation"
  | "not_null_violation"
  | "check_violation"
  | "exclusion_violation"
  | "integrity_constraint_violation"
  | "serialization_failure"
  | "deadlock_detected"
  | "transaction_rollback"
  | "query_canceled"
  | "admin_shutdown"
  | "syntax_error"
  | "undefined_table"
  | "undefined_column"
  | "syntax_error_or_access_rule_violation"
  | "data_exception"
  | "invalid_transaction_state"
  | "connection_exception"
  | "insufficient_resources"
  | "feature_not_supported"
  | "other";

const KINDS_BY_CODE: Readonly<Record<string, PostgresErrorKind>> = {
  "23505": "unique_violation",
  "23503": "foreign_key_violation",
  "23502": "not_null_violation",
  "23514": "check_violation",
  "23P01": "exclusion_violation",
  "40001": "serialization_failure",
  "40P01": "deadlock_detected",
  "57014": "query_canceled",
  "57P01": "admin_shutdown",
  "42601": "syntax_error",
  "42P01": "undefined_table",
  "42703": "undefined_column",
};

const KINDS_BY_CLASS: Readonly<Record<string, PostgresErrorKind>> = {
  // Also "cached plan must not change result type": a prepared statement whose table changed
  // inside a transaction (outside one, postgres.js prepares it again by itself).
  "0A": "feature_not_supported",
  "08": "connection_exception",
  "22": "data_exception",
  "23": "integrity_constraint_violation",
  "25": "invalid_transaction_state",
  "40": "transaction_rollback",
  "42": "syntax_error_or_access_rule_violation",
  "53": "insufficient_resources",
};

/**
 * Internal. The stable kind of a SQLSTATE code.
 *
 * @param code - a five-character SQLSTATE
 * @returns its kind
 */
export function kindOf(code: string): PostgresErrorKind {
  return KINDS_BY_CODE[code] ?? KINDS_BY_CLASS[code.slice(0, 2)] ?? "other";
}

/**
 * The fields of an error report from the server, as both backends deliver them; what
 * {@link PostgresError}'s constructor takes.
 *
 * @example
 * ```ts
 * import { PostgresError, type PostgresErrorFields } from "@skein/postgres";
 *
 * const fields: PostgresErrorFields = { message: "duplicate key", code: "23505" };
 * const error = new PostgresError(fields, "insert into users (id) values ($1)");
 * console.log(error.kind); // unique_violation
 * ```
 */
export interface PostgresErrorFields {
  message: string;
  code: string;
  severity?: string | undefined;
  detail?: string | undefined;
  hint?: string | undefined;
  constraint?: string | undefined;
  table?: string | undefined;
  column?: string | undefined;
  schema?: string | undefined;
  position?: string | undefined;
}

/**
 * An error reported by PostgreSQL. `code` is the SQLSTATE (`"23505"`), `kind` its stable name
 * (`"unique_violation"`), and `query` the text that was sent, with `$n` placeholders, never the
 * parameter values.
 *
 * @example
 * ```ts
 * import { PostgresError, sql, usePostgres } from "@skein/postgres";
 * import { run } from "@skein/core";
 *
 * await run(function* () {
 *   const db = yield* usePostgres();
 *   try {
 *     yield* db.query(sql`select 1 / 0`);
 *   } catch (error) {
 *     if (error instanceof PostgresError) console.log(error.code, error.kind); // 22012 data_exception
 *   }
 * });
 * ```
 */
export class PostgresError extends Error {
  override name = "PostgresError";
  /** The SQLSTATE code. */
  readonly code: string;
  /** A stable name for `code`. */
  readonly kind: PostgresErrorKind;
  readonly severity: string | undefined;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  /** The constraint that was violated, for integrity errors. */
  readonly constraint: string | undefined;
  readonly table: string | undefined;
  readonly column: string | undefined;
  readonly schema: string | undefined;
  /** The query text that failed, with `$n` placeholders. */
  readonly query: string;

  /**
   * @param fields - the server's error report
   * @param query - the query text that failed
   */
  constructor(fields: PostgresErrorFields, query: string) {
    super(fields.message);
    this.code = fields.code;
    this.kind = kindOf(fields.code);
    this.severity = fields.severity;
    this.detail = fields.detail;
    this.hint = fields.hint;
    this.constraint = fields.constraint;
    this.table = fields.table;
    this.column = fields.column;
    this.schema = fields.schema;
    this.query = query;
  }
}

/**
 * The connection to the database could not be opened or was lost (refused, reset, closed
 * while a query was in flight, or the embedded worker died). `code` is `"PG_CONNECTION"`;
 * `reason` keeps the driver's own code (`"ECONNREFUSED"`, `"CONNECTION_CLOSED"`).
 *
 * @example
 * ```ts
 * import { ConnectionError, sql, usePostgres } from "@skein/postgres";
 * import { run } from "@skein/core";
 *
 * await run(function* () {
 *   const db = yield* usePostgres({ url: "postgres://127.0.0.1:1/none", connectTimeout: 1 });
 *   try {
 *     yield* db.query(sql`select 1`);
 *   } catch (error) {
 *     if (error instanceof ConnectionError) console.log(error.reason); // ECONNREFUSED
 *   }
 * });
 * ```
 */
export class ConnectionError extends Error {
  override name = "ConnectionError";
  readonly code = "PG_CONNECTION";
  /** The driver's code for what happened. */
  readonly reason: string;
  /** The query that was running, if any. */
  readonly query: string | undefined;

  /**
   * @param reason - the driver's code
   * @param message - what happened
   * @param query - the query that was running
   * @param cause - the driver's error
   */
  constructor(reason: string, message: string, query?: string, cause?: unknown) {
    super(message, { cause });
    this.reason = reason;
    this.query = query;
  }
}

/**
 * No connection became free within `acquireTimeout` milliseconds. `code` is
 * `"PG_POOL_TIMEOUT"`.
 *
 * @example
 * ```ts
 * import { PoolTimeoutError, sql, usePostgres } from "@skein/postgres";
 * import { run } from "@skein/core";
 *
 * await run(function* () {
 *   const db = yield* usePostgres({ max: 1, acquireTimeout: 50 });
 *   try {
 *     yield* db.query(sql`select 1`);
 *   } catch (error) {
 *     if (error instanceof PoolTimeoutError) console.log(error.ms); // 50
 *   }
 * });
 * ```
 */
export class PoolTimeoutError extends Error {
  override name = "PoolTimeoutError";
  readonly code = "PG_POOL_TIMEOUT";
  /** How long the caller waited, in milliseconds. */
  readonly ms: number;

  /** @param ms - how long the caller waited */
  constructor(ms: number) {
    super(`no database connection became free within ${ms}ms`);
    this.ms = ms;
  }
}

/**
 * A value passed to this package is not what it expects: an empty `sql.in()` list, a column
 * missing from a row given to `sql.values()`, a non-positive pool size. `code` is
 * `"PG_INVALID_ARGUMENT"` and `value` is the offending value.
 *
 * @example
 * ```ts
 * import { InvalidArgumentError, sql } from "@skein/postgres";
 *
 * try {
 *   sql.in([]);
 * } catch (error) {
 *   if (error instanceof InvalidArgumentError) console.log(error.value); // []
 * }
 * ```
 */
export class InvalidArgumentError extends TypeError {
  override name = "InvalidArgumentError";
  readonly code = "PG_INVALID_ARGUMENT";
  /** The value that was rejected. */
  readonly value: unknown;

  /**
   * @param message - what was expected
   * @param value - the value that was rejected
   */
  constructor(message: string, value: unknown) {
    super(message);
    this.value = value;
  }
}

/**
 * The backend in use cannot do this (COPY on the embedded PGlite backend). `code` is
 * `"PG_NOT_SUPPORTED"`; `backend` names the backend.
 *
 * @example
 * ```ts
 * import { NotSupportedError, sql, usePostgres } from "@skein/postgres";
 * import { run } from "@skein/core";
 *
 * await run(function* () {
 *   const db = yield* usePostgres({ embedded: true });
 *   try {
 *     for (const _ of [yield* db.copyTo(sql`copy t to stdout`)]) {}
 *   } catch (error) {
 *     if (error instanceof NotSupportedError) console.log(error.backend); // pglite
 *   }
 * });
 * ```
 */
export class NotSupportedError extends Error {
  override name = "NotSupportedError";
  readonly code = "PG_NOT_SUPPORTED";
  /** The backend that cannot do it. */
  readonly backend: string;

  /**
   * @param backend - the backend in use
   * @param what - what was asked for
   */
  constructor(backend: string, what: string) {
    super(`${what} is not supported by the ${backend} backend`);
    this.backend = backend;
  }
}

/**
 * Who holds a PGlite data directory, as its lock file says: the process id, the host name, and
 * the process's start time (clock ticks since boot, where `/proc` exists) to tell a reused pid
 * apart.
 *
 * @example
 * ```ts
 * import type { LockHolder } from "@skein/postgres";
 *
 * const holder: LockHolder = { pid: 4242, host: "build-7", started: "18342" };
 * ```
 */
export interface LockHolder {
  pid: number;
  host: string;
  started?: string | undefined;
}

/**
 * A PGlite data directory is open already, in this process or another: PGlite has no locking
 * of its own, and two handles on one directory each see only their own writes and lose each
 * other's. `code` is `"PG_DATA_DIR_LOCKED"`; `holder` names the process holding it (`undefined`
 * for a lock file that cannot be read), `lockFile` is where that is written.
 *
 * @example
 * ```ts
 * import { DataDirLockedError, usePglite } from "@skein/postgres";
 * import { run } from "@skein/core";
 *
 * await run(function* () {
 *   try {
 *     yield* usePglite({ dataDir: "./.data" });
 *   } catch (error) {
 *     if (error instanceof DataDirLockedError) console.log(error.holder?.pid, error.holder?.host);
 *   }
 * });
 * ```
 */
export class DataDirLockedError extends Error {
  override name = "DataDirLockedError";
  readonly code = "PG_DATA_DIR_LOCKED";
  /** The data directory asked for. */
  readonly dataDir: string;
  /** The lock file beside it. */
  readonly lockFile: string;
  /** Who holds it. */
  readonly holder: LockHolder | undefined;

  /**
   * @param dataDir - the data directory asked for
   * @param lockFile - its lock file
   * @param holder - who holds it, when the lock file says
   */
  constructor(dataDir: string, lockFile: string, holder: LockHolder | undefined) {
    super(
      holder === undefined
        ? `the PGlite data directory ${dataDir} is locked (${lockFile} cannot be read)`
        : `the PGlite data directory ${dataDir} is in use by process ${holder.pid} on ${holder.host}${holder.pid === process.pid && holder.host === hostname() ? " (this process: another handle is open)" : ""}; one handle at a time may open it (lock file ${lockFile})`,
    );
    this.dataDir = dataDir;
    this.lockFile = lockFile;
    this.holder =
      holder === undefined
        ? undefined
        : { pid: holder.pid, host: holder.host, started: holder.started };
  }
}

/**
 * The `types` option could not be applied. `code` says what failed: `"PG_UNKNOWN_TYPE"`, a
 * configured name no type has (when the database opens); `"PG_DOMAIN_TYPE"`, a domain, whose
 * values Postgres sends as its base type; `"PG_TYPE_PARSE"`, a parser threw (`column` names
 * the column, `value` is the text it was given, `cause` what it threw); `"PG_TYPE_SERIALIZE"`,
 * a serializer threw or returned something other than a string (`value` is the parameter).
 * `type` is the configured key.
 *
 * @example
 * ```ts
 * import { CustomTypeError, sql, usePostgres } from "@skein/postgres";
 * import { run } from "@skein/core";
 *
 * await run(function* () {
 *   const db = yield* usePostgres({ types: { numeric: { parse: (text) => BigInt(text) } } });
 *   try {
 *     yield* db.query(sql`select 1.5::numeric as price`);
 *   } catch (error) {
 *     if (error instanceof CustomTypeError) console.log(error.code, error.column, error.value);
 *     // PG_TYPE_PARSE price 1.5
 *   }
 * });
 * ```
 */
export class CustomTypeError extends Error {
  override name = "CustomTypeError";
  readonly code: "PG_UNKNOWN_TYPE" | "PG_DOMAIN_TYPE" | "PG_TYPE_PARSE" | "PG_TYPE_SERIALIZE";
  /** The type as configured: the key of the `types` option. */
  readonly type: string;
  /** The offending value: the type name, the text a parser was given, or the parameter. */
  readonly value: unknown;
  /** The result column, for a parser that threw. */
  readonly column: string | undefined;

  /**
   * @param code - what failed
   * @param message - what happened
   * @param type - the configured key
   * @param value - the offending value
   * @param column - the result column, for a parser
   * @param cause - what the parser or serializer threw
   */
  constructor(
    code: CustomTypeError["code"],
    message: string,
    type: string,
    value: unknown,
    column?: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.type = type;
    this.value = value;
    this.column = column;
  }
}
