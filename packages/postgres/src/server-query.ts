import { type Operation, sleep, until } from "@skein/core";
import type postgres from "postgres";
import { parseRows, type TypeParsers } from "./custom-types.js";
import type { Row } from "./db.js";
import { ConnectionError, PostgresError } from "./errors.js";
import { createResult, type Result } from "./result.js";
import type { Statement } from "./sql.js";

/** Internal. A query as postgres.js hands it out. */
export type Pending = postgres.PendingQuery<Row[]>;

/**
 * Internal. A single-connection postgres.js client, the callbacks told when it closes, and the
 * pool's bookkeeping for it. The client's one close listener fails what is `running`, so a
 * query needs no listener of its own.
 */
export interface Connection {
  readonly sql: postgres.Sql;
  /** Told when the connection closes (`false`) or the client is replaced (`true`). */
  readonly closed: Set<(replaced: boolean) => void>;
  /** The queries in flight on `sql`. */
  readonly running: Set<Pending>;
  /** Queries in flight on it through the pool, or 1 while it is held alone. */
  load: number;
  /** Held alone: nothing may be pipelined behind its statement. */
  exclusive: boolean;
  /**
   * postgres.js sends nothing more on it until what is in flight has answered (a connect, or
   * a statement being described first): the pool pipelines nothing more until `load` is 0.
   */
  full: boolean;
  /**
   * The client has answered since it last (re)connected. Before that its first query is the
   * one postgres.js connects with, which must never be cancelled while unsent.
   */
  ready: boolean;
  /** Cancel requests sent for this connection's statements so far, and those not done yet. */
  cancels: number;
  cancelling: number;
  /** Destroy the client and put a fresh one in its place. */
  reset(): Operation<void>;
  /** The `types` option's parsers; the client leaves their types' text as it is. */
  readonly types?: TypeParsers | undefined;
}

/**
 * Internal. What a pipelined query threw when a cancel request meant for a statement ahead of
 * it reached it instead: the statement was rolled back, and it is safe to send again.
 */
export class Collateral extends Error {
  constructor(readonly error: unknown) {
    super("a cancel request meant for another statement reached this one");
  }
}

/**
 * Internal. How long a halted query may take to settle after its cancel before its client is
 * reset; every other wait of a cleanup is bounded by it too.
 */
export const SETTLE_MS = 2_000;

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

/** Node's codes for a server certificate that fails verification. */
const CERTIFICATE_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_SIGNATURE_FAILURE",
]);

/** Whether `code` says the connection could not be opened or went away (TLS included). */
function isConnectionCode(code: string): boolean {
  return (
    CONNECTION_CODES.has(code) ||
    CERTIFICATE_CODES.has(code) ||
    code.startsWith("ERR_TLS_") ||
    code.startsWith("ERR_SSL_")
  );
}

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
  if (isConnectionCode(code)) return new ConnectionError(code, error.message, text, error);
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
 * Internal. How long a halted query pipelined behind others may wait for its turn, that is,
 * for the statements ahead of it on its connection to finish, before its client is replaced.
 */
export const TURN_MS = 5_000;

/** How long a cancelled statement may keep running before its cancel request is sent again. */
const RESEND_MS = 100;

/** Send a cancel request through postgres.js's canceller; settles (never rejects) once sent. */
function cancelWith(canceller: unknown, pending: Pending): Promise<void> {
  if (typeof canceller !== "function") return Promise.resolve();
  return Promise.resolve((canceller as (query: Pending) => unknown)(pending)).then(noop, noop);
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

type DriverResult = Row[] & {
  command?: string;
  count?: number | null;
  columns?: { name: string; type: number }[] | null;
};

/**
 * The package's result for postgres.js's: a plain array (postgres.js's is a subclass with its
 * own fields) whose `command` is the tag's first word, as PGlite reports it.
 */
function resultOf(result: unknown, types: TypeParsers | undefined): Result<Row> {
  let found = result as DriverResult;
  const last = found[found.length - 1];
  // Several statements without parameters: postgres.js returns one result per statement.
  if (Array.isArray(last) && "command" in last && "count" in last) found = last as DriverResult;
  const command = found.command ?? "";
  const space = command.indexOf(" ");
  const rows = createResult(
    found,
    space === -1 ? command : command.slice(0, space),
    typeof found.count === "number" ? found.count : null,
  );
  if (types !== undefined) parseRows(rows, found.columns, types);
  return rows;
}

/** The server's error for a statement stopped by a cancel request (not by statement_timeout). */
function cancelledByRequest(error: unknown): boolean {
  return (
    error instanceof PostgresError &&
    error.code === "57014" &&
    error.message.includes("user request")
  );
}

/**
 * Internal. Whether `done` settles within `ms`. A plain timer: this runs in the cleanup of a
 * halted task, where `moveOnAfter()` under an enclosing deadline that has already fired would
 * wait forever.
 *
 * @param done - what to wait for
 * @param ms - the bound
 * @returns true when `done` settled in time
 */
export function within(done: Promise<void>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(resolve, ms, false);
  });
  return Promise.race([done.then(() => true), late]).finally(() => clearTimeout(timer));
}

/** Whether no query sent on `target` before `pending` is still in flight. */
function first(target: Connection, pending: Pending): boolean {
  return target.running.values().next().value === pending;
}

/**
 * Internal. Stop `pending`, whose task was halted, and wait until it has settled, so the
 * connection is clean for what follows; `pending` must be in `target.running`. A statement
 * running on the server gets a cancel request. One still waiting behind others on its
 * connection (sent in the pipeline, or held back by postgres.js until the pipeline drains) gets
 * it once it runs: postgres.js's own cancel is used for neither, as it loses track of the
 * statements behind a pipelined one it cancels, and never finishes connecting when the unsent
 * query it drops is the one the client connects with. Every wait is bounded; past the bound
 * the client is replaced.
 *
 * @param target - the connection `pending` runs on
 * @param pending - the halted query
 */
export function* stop(target: Connection, pending: Pending): Operation<void> {
  const query = pending as unknown as { state: unknown; active: boolean };
  let settled = false;
  const done = pending.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  // postgres.js hands a query to its connection a microtask after it is first awaited.
  if (query.state == null) yield* until(Promise.resolve());
  // Its turn comes once the queries sent before it are gone. One that is first in line and
  // still not running is being connected with (it runs once the client has connected and
  // fetched its types, and is then cancelled like any other), or was lost by postgres.js (seen
  // right after a backend is terminated). One behind others waits for them, which may be for
  // ever: a statement ahead whose answer never comes (a stalled connection) belongs to another
  // task, maybe one its scope halts only after this one. Past either bound, the statement has
  // not started, so there is nothing to cancel: its client is replaced, which fails it and
  // whatever is ahead of it.
  const running = () => query.state != null && query.active;
  const turnBy = performance.now() + TURN_MS;
  let startBy = Infinity;
  while (!settled && !running()) {
    const now = performance.now();
    if (first(target, pending)) {
      if (startBy === Infinity) startBy = now + SETTLE_MS;
      else if (now >= startBy) break;
    } else if (now >= turnBy) break;
    yield* sleep(1);
  }
  if (!settled && !running()) {
    yield* target.reset();
    yield* until(within(done, SETTLE_MS));
    return;
  }
  if (!settled) {
    // A cancel request that lands before the statement has reached the server (postgres.js
    // writes on the next turn of the event loop) finds the backend idle and is dropped: while
    // the statement keeps running, the request is sent again.
    const canceller = (pending as unknown as { canceller?: unknown }).canceller;
    // Every request sent, finished or not: one still on its way when the statement settles
    // would stop whatever runs next on this connection.
    const requests: Promise<void>[] = [];
    target.cancels++;
    target.cancelling++;
    try {
      // The whole loop is bounded: a cancel request whose connection stalls never finishes.
      const giveUp = performance.now() + SETTLE_MS;
      while (!settled && running() && performance.now() < giveUp) {
        const request = cancelWith(canceller, pending);
        requests.push(request);
        const left = Math.max(0, giveUp - performance.now());
        yield* until(within(Promise.race([request, done]), left));
        if (!settled) yield* until(within(done, RESEND_MS));
      }
      // The server has signalled the backend once it closes the request's socket.
      if (!(yield* until(within(Promise.all(requests).then(noop), SETTLE_MS)))) {
        yield* target.reset();
        return;
      }
    } finally {
      target.cancelling--;
    }
  }
  // A query postgres.js never settles would hold the client forever: past the bound, the
  // client is replaced.
  if (!(yield* until(within(done, SETTLE_MS)))) yield* target.reset();
}

/**
 * Internal. Whether postgres.js has written `pending` to a connection; one it has not is sent
 * on the next connection when the current one closes.
 *
 * @param pending - a query
 * @returns true once it was sent
 */
export function wasSent(pending: Pending): boolean {
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
 * @param shared - pipelined with other callers' queries: when a cancel meant for one of them
 *   stops this statement instead, {@link Collateral} is thrown so that the caller sends it again
 * @returns the rows
 */
export function* runQuery(
  target: Connection,
  query: Statement,
  onFatal?: () => void,
  shared = false,
): Operation<Result<Row>> {
  const params = query.params as postgres.ParameterOrJSON<never>[];
  const pending =
    query.prepare === true
      ? target.sql.unsafe<Row[]>(query.text, params, PREPARED)
      : target.sql.unsafe<Row[]>(query.text, params);
  // postgres.js queues what follows a connect or a statement it describes before binding
  // (every unprepared one with parameters) until the pipeline has drained.
  if (!target.ready || (query.prepare !== true && params.length > 0)) target.full = true;
  const cancels = target.cancels;
  const cancelling = target.cancelling;
  let settled = false;
  target.running.add(pending);
  try {
    const result = yield* until(pending);
    settled = true;
    target.ready = true;
    return resultOf(result, target.types);
  } catch (error) {
    settled = true;
    const translated = translate(error, query.text);
    if (isFatal(translated)) onFatal?.();
    else target.ready = true;
    if (
      shared &&
      (cancelling > 0 || target.cancels !== cancels) &&
      cancelledByRequest(translated)
    ) {
      throw new Collateral(translated);
    }
    throw translated;
  } finally {
    try {
      if (!settled) yield* stop(target, pending);
    } finally {
      target.running.delete(pending);
    }
  }
}
