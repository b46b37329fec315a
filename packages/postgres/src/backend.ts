import { type Operation, type Stream, scoped, useDeadline, waitingFor } from "@skein/core";
import { type CustomTypes, withSerializers } from "./custom-types.js";
import type { CursorOptions, Db, Row, Transaction, TransactionOptions } from "./db.js";
import { InvalidArgumentError, PostgresError } from "./errors.js";
import type { PoolStats } from "./pool-stats.js";
import { type Runner, runStatement } from "./postgres-api.js";
import type { Result } from "./result.js";
import {
  type CompiledQuery,
  compile,
  createCompiler,
  type Fragment,
  type Statement,
} from "./sql.js";

/** Internal. One connection held for a while (a transaction). */
export interface Session {
  run(query: CompiledQuery): Operation<Result<Row>>;
  /** A cursor inside the session's open transaction. */
  cursor(query: CompiledQuery, batch: number): Stream<Row, void>;
  /** Set once the connection is known to be gone: nothing more may be sent on it. */
  readonly broken: boolean;
}

/** Internal. What each engine provides; `createDb` builds the public API over it. */
export interface Backend {
  readonly kind: "server" | "pglite";
  /** See {@link Db.target}. */
  readonly target: string;
  stats(): PoolStats;
  /** Whether `SET LOCAL statement_timeout` is enforced (not in PGlite). */
  readonly statementTimeouts: boolean;
  run(query: CompiledQuery): Operation<Result<Row>>;
  cursor(query: CompiledQuery, batch: number): Stream<Row, void>;
  /** Hold one connection while `body` runs. */
  session<T>(body: (session: Session) => Operation<T>): Operation<T>;
  listen(channel: string): Stream<string, never>;
  copyTo(query: CompiledQuery): Stream<Uint8Array, void>;
  copyFrom(query: CompiledQuery, source: Stream<Uint8Array | string, unknown>): Operation<void>;
}

const RETRYABLE = new Set(["40001", "40P01"]);
const ISOLATION = new Set(["read committed", "repeatable read", "serializable"]);

function batchOf(options: CursorOptions | undefined): number {
  const batch = options?.batch ?? 100;
  if (!Number.isInteger(batch) || batch < 1) {
    throw new InvalidArgumentError("cursor batch must be a positive integer", options?.batch);
  }
  return batch;
}

function attemptsOf(retry: TransactionOptions["retrySerialization"]): number {
  if (retry === undefined || retry === false) return 1;
  if (retry === true) return 3;
  if (!Number.isInteger(retry) || retry < 1) {
    throw new InvalidArgumentError("retrySerialization must be a boolean or attempts >= 1", retry);
  }
  return retry;
}

function beginOf(options: TransactionOptions): string {
  let text = "begin";
  if (options.isolation !== undefined) {
    if (!ISOLATION.has(options.isolation)) {
      throw new InvalidArgumentError(
        'isolation must be "read committed", "repeatable read" or "serializable"',
        options.isolation,
      );
    }
    text += ` isolation level ${options.isolation}`;
  }
  if (options.readOnly) text += " read only";
  return text;
}

const statement = (text: string): CompiledQuery => ({ text, params: [] });

/** A transaction's body must be a function; anything else failed inside the engine. */
function checkBody(body: unknown): void {
  if (typeof body !== "function") {
    throw new InvalidArgumentError("transaction() expects a function that returns the body", body);
  }
}

/** Where a statement runs: a backend, or a transaction's session on one. */
interface On {
  readonly runner: Runner;
  readonly where: Backend;
  readonly inTransaction: boolean;
}

/**
 * Run `query` on a session or a backend through the `Postgres` API, saying what the task waits
 * on meanwhile.
 */
function run(on: On, query: CompiledQuery): Operation<Result<Row>> {
  return runStatement(on.runner, query, on.where, on.inTransaction);
}

function scriptOf(script: string): CompiledQuery {
  if (typeof script !== "string" || script.trim().length === 0) {
    throw new InvalidArgumentError("exec() expects SQL text with at least one statement", script);
  }
  if (script.includes("\0")) {
    throw new InvalidArgumentError("SQL text cannot hold a NUL character", script);
  }
  return statement(script);
}

function* quietly(session: Session, on: On, text: string): Operation<void> {
  if (session.broken) return;
  try {
    yield* run(on, statement(text));
  } catch {
    // The statement it would undo died with the connection, or there is nothing to undo.
  }
}

function createTransaction(
  session: Session,
  on: On,
  savepoints: { count: number },
  compiled: (query: Fragment) => Statement,
): Transaction & { close(): void } {
  let open = true;
  const guard = () => {
    if (!open) {
      throw new InvalidArgumentError("this transaction has ended; use it only in its body", null);
    }
  };
  return {
    query<T extends object>(query: Fragment): Operation<Result<T>> {
      const statement = compiled(query);
      return {
        *[Symbol.iterator]() {
          guard();
          return (yield* run(on, statement)) as Result<T>;
        },
      };
    },
    cursor<T extends object>(query: Fragment, options?: CursorOptions): Stream<T, void> {
      guard();
      return session.cursor(compiled(query), batchOf(options)) as Stream<T, void>;
    },
    exec(script: string): Operation<void> {
      const statement = scriptOf(script);
      return {
        *[Symbol.iterator]() {
          guard();
          yield* run(on, statement);
        },
      };
    },
    transaction<R>(body: (tx: Transaction) => Operation<R>): Operation<R> {
      checkBody(body);
      return {
        *[Symbol.iterator]() {
          guard();
          const name = `skein_savepoint_${++savepoints.count}`;
          let released = false;
          const inner = createTransaction(session, on, savepoints, compiled);
          try {
            yield* run(on, statement(`savepoint ${name}`));
            const result = yield* scoped(() => body(inner));
            yield* run(on, statement(`release savepoint ${name}`));
            released = true;
            return result;
          } finally {
            inner.close();
            if (!released) yield* quietly(session, on, `rollback to savepoint ${name}`);
          }
        },
      };
    },
    close() {
      open = false;
    },
  };
}

function* attempt<R>(
  backend: Backend,
  begin: string,
  body: (tx: Transaction) => Operation<R>,
  compiled: (query: Fragment) => Statement,
): Operation<R> {
  return yield* waitingFor(
    "transaction",
    backend.session((session) => inTransaction(backend, session, begin, body, compiled)),
  );
}

function* inTransaction<R>(
  backend: Backend,
  session: Session,
  begin: string,
  body: (tx: Transaction) => Operation<R>,
  compiled: (query: Fragment) => Statement,
): Operation<R> {
  let committed = false;
  const on: On = { runner: session, where: backend, inTransaction: true };
  const tx = createTransaction(session, on, { count: 0 }, compiled);
  try {
    yield* run(on, statement(begin));
    const left = backend.statementTimeouts ? yield* useDeadline() : Infinity;
    if (left !== Infinity) {
      yield* run(on, statement(`set local statement_timeout = ${Math.max(1, Math.ceil(left))}`));
    }
    const result = yield* scoped(() => body(tx));
    tx.close();
    yield* run(on, statement("commit"));
    committed = true;
    return result;
  } finally {
    tx.close();
    if (!committed) yield* quietly(session, on, "rollback");
  }
}

/**
 * Internal. Run `body` in a transaction, retrying serialization failures when asked.
 *
 * @param backend - the engine
 * @param body - the transaction body
 * @param options - isolation, read only, retries
 * @param compiled - compiles the body's queries (the handle's compiler, whose memory it shares)
 * @returns the body's value, once committed
 */
export function transact<R>(
  backend: Backend,
  body: (tx: Transaction) => Operation<R>,
  options: TransactionOptions = {},
  compiled: (query: Fragment) => Statement = createCompiler(),
): Operation<R> {
  checkBody(body);
  const attempts = attemptsOf(options.retrySerialization);
  const begin = beginOf(options);
  return {
    *[Symbol.iterator]() {
      for (let tried = 1; ; tried++) {
        try {
          return yield* attempt(backend, begin, body, compiled);
        } catch (error) {
          const retry =
            tried < attempts && error instanceof PostgresError && RETRYABLE.has(error.code);
          if (!retry) throw error;
        }
      }
    },
  };
}

/** The longest identifier Postgres keeps (NAMEDATALEN - 1 bytes); longer ones are cut. */
const MAX_IDENTIFIER_BYTES = 63;

function channelOf(channel: string): string {
  if (typeof channel !== "string" || channel.length === 0) {
    throw new InvalidArgumentError("a channel must be a non-empty string", channel);
  }
  if (channel.includes("\0")) {
    throw new InvalidArgumentError("a channel name cannot hold a NUL character", channel);
  }
  if (Buffer.byteLength(channel) > MAX_IDENTIFIER_BYTES) {
    // LISTEN would cut it and listen on another name; pg_notify() would refuse it.
    throw new InvalidArgumentError(
      `a channel name is at most ${MAX_IDENTIFIER_BYTES} bytes of UTF-8`,
      channel,
    );
  }
  return channel;
}

/**
 * Internal. The public {@link Db} over an engine.
 *
 * @param backend - the engine
 * @param types - the `types` option, whose serializers turn parameters into text
 * @returns the handle
 */
export function createDb(backend: Backend, types?: CustomTypes): Db {
  const compiled = withSerializers(createCompiler(), types);
  const on: On = { runner: backend, where: backend, inTransaction: false };
  return {
    backend: backend.kind,
    target: backend.target,
    stats: () => backend.stats(),
    query<T extends object>(query: Fragment): Operation<Result<T>> {
      return run(on, compiled(query)) as Operation<Result<T>>;
    },
    cursor<T extends object>(query: Fragment, options?: CursorOptions): Stream<T, void> {
      return backend.cursor(compiled(query), batchOf(options)) as Stream<T, void>;
    },
    exec(script: string): Operation<void> {
      const statement = scriptOf(script);
      return {
        *[Symbol.iterator]() {
          yield* run(on, statement);
        },
      };
    },
    transaction: (body, options) => transact(backend, body, options, compiled),
    listen: (channel) => backend.listen(channelOf(channel)),
    notify(channel: string, payload: string): Operation<void> {
      if (typeof payload !== "string") {
        throw new InvalidArgumentError("a notification's payload must be a string", payload);
      }
      const compiled = { text: "select pg_notify($1, $2)", params: [channelOf(channel), payload] };
      return {
        *[Symbol.iterator]() {
          yield* run(on, compiled);
        },
      };
    },
    copyTo: (query) => backend.copyTo(compile(query)),
    copyFrom: (query, source) => backend.copyFrom(compile(query), source),
  };
}
