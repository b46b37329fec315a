import { moveOnAfter, type Operation, until } from "@skein/core";
import type postgres from "postgres";
import type { Row } from "./db.js";
import { ConnectionError, PostgresError } from "./errors.js";
import type { Statement } from "./sql.js";

/** Internal. A query as postgres.js hands it out. */
export type Pending = postgres.PendingQuery<Row[]>;

/**
 * Internal. A single-connection postgres.js client and the callbacks told when it closes. The
 * client's one close listener fails `running`, so a query needs no listener of its own.
 */
export interface Connection {
  readonly sql: postgres.Sql;
  readonly closed: Set<() => void>;
  /** The query in flight on `sql`, if any. */
  running: Pending | undefined;
  /** Destroy the client and put a fresh one in its place. */
  reset(): Operation<void>;
}

/** How long a halted query may take to settle after its cancel before its client is reset. */
const SETTLE_MS = 2_000;

const CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);

/** SQLSTATEs after which the server closes the session. */
const FATAL_CODES = new Set(["57P01", "57P02", "57P03"]);

const noop = (): void => {};

/** postgres.js's options for a statement it may prepare (unless the client has `prepare: false`). */
const PREPARED = { prepare: true } as const;

/**
 * Internal. The package's error for what postgres.js threw.
 *
 * @param error - postgres.js's error
 * @param text - the query text
 * @returns a `PostgresError`, a `ConnectionError`, or `error` itself
 */
export function translate(error: unknown, text: string): unknown {
  if (!(error instanceof Error)) return error;
  const fields = error as Error & Record<string, string | undefined>;
  const code = fields.code;
  if (code === undefined) return error;
  if (CONNECTION_CODES.has(code)) return new ConnectionError(code, error.message, text, error);
  if (/^[0-9A-Z]{5}$/.test(code)) {
    return new PostgresError(
      {
        message: error.message,
        code,
        severity: fields.severity,
        detail: fields.detail,
        hint: fields.hint,
        constraint: fields.constraint_name,
        table: fields.table_name,
        column: fields.column_name,
        schema: fields.schema_name,
        position: fields.position,
      },
      text,
    );
  }
  return error;
}

/**
 * Internal. Whether the connection an error came from is gone.
 *
 * @param error - a translated error
 * @returns true when nothing more may be sent on that connection
 */
export function isFatal(error: unknown): boolean {
  if (error instanceof ConnectionError) return true;
  return (
    error instanceof PostgresError && (FATAL_CODES.has(error.code) || error.code.startsWith("08"))
  );
}

/**
 * Internal. Send a cancel request for `pending`; settles (never rejects) once the server has
 * taken it. postgres.js's public `cancel()` drops the request's promise, so the canceller it
 * keeps is called directly to be able to wait for it.
 *
 * @param pending - the query to cancel
 * @returns a promise that settles when the request is done
 */
export function cancel(pending: { cancel(): unknown }): Promise<void> {
  const query = pending as unknown as { canceller?: ((q: unknown) => unknown) | null };
  const canceller = query.canceller;
  if (typeof canceller !== "function") {
    pending.cancel();
    return Promise.resolve();
  }
  query.canceller = null;
  return Promise.resolve(canceller(pending)).then(noop, noop);
}

function rowsOf(result: unknown): Row[] {
  const rows = result as Row[];
  const last = rows[rows.length - 1];
  // Several statements without parameters: postgres.js returns one result per statement.
  if (Array.isArray(last) && "command" in last && "count" in last) return last as Row[];
  return rows;
}

/**
 * Internal. Whether postgres.js is done with `pending`: it was sent and is no longer active.
 * A query halted in the moment between settling and resuming its task must not be cancelled:
 * postgres.js would hold the cancel request until a query that will never come.
 */
function finished(pending: Pending): boolean {
  const query = pending as unknown as { state: unknown; active: boolean };
  return query.state != null && !query.active;
}

/** Internal. Whether postgres.js has sent `pending` to the server. */
function sent(pending: Pending): boolean {
  return (pending as unknown as { state: unknown }).state != null;
}

/**
 * Internal. Fail the query still running on a connection that closed. postgres.js can leave
 * a query pending forever when its socket closes right after an error (the close reports
 * hadError and skips failing the query); rejecting a settled query does nothing.
 *
 * @param pending - the query that was running
 */
export function failClosed(pending: Pending): void {
  const query = pending as unknown as { reject?: (error: unknown) => void };
  query.reject?.(
    new ConnectionError(
      "CONNECTION_CLOSED",
      "the connection closed while the query was running",
      (pending as unknown as { strings?: string[] }).strings?.[0],
    ),
  );
}

/**
 * Internal. Run a query on `target`. Halting it cancels the statement and waits until the
 * query has settled, so the connection is ready for the next one.
 *
 * @param target - the connection to run it on
 * @param query - the compiled query, prepared when it says so
 * @param onFatal - told when the connection died under the query
 * @returns the rows
 */
export function* runQuery(
  target: Connection,
  query: Statement,
  onFatal?: () => void,
): Operation<Row[]> {
  const params = query.params as postgres.ParameterOrJSON<never>[];
  const pending =
    query.prepare === true
      ? target.sql.unsafe<Row[]>(query.text, params, PREPARED)
      : target.sql.unsafe<Row[]>(query.text, params);
  let settled = false;
  target.running = pending;
  try {
    const result = yield* until(pending);
    settled = true;
    return rowsOf(result);
  } catch (error) {
    settled = true;
    const translated = translate(error, query.text);
    if (onFatal !== undefined && isFatal(translated)) onFatal();
    throw translated;
  } finally {
    if (target.running === pending) target.running = undefined;
    if (!settled && !finished(pending)) {
      // A query not sent yet has nothing to cancel on the server, and a cancel request sent now
      // would reach whatever that backend runs next: only a running query gets one.
      if (sent(pending)) yield* until(cancel(pending));
      // A query postgres.js never settles (seen right after a backend is terminated) would
      // hold the client forever: past the bound, the client is replaced.
      const waited = yield* moveOnAfter(SETTLE_MS, until(pending.then(noop, noop)));
      if (waited.timedOut) yield* target.reset();
    }
  }
}
