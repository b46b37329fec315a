import { Worker } from "node:worker_threads";
import {
  createQueue,
  label,
  type Operation,
  resource,
  type Stream,
  type Subscription,
  until,
  waitingFor,
} from "@skein/core";
import { type Backend, createDb, type Session } from "./backend.js";
import {
  type Column,
  type CustomTypes,
  checkTypes,
  parseRows,
  resolveTypes,
  type TypeParsers,
} from "./custom-types.js";
import { lockDataDir } from "./data-dir-lock.js";
import type { Db, Row } from "./db.js";
import {
  ConnectionError,
  NotSupportedError,
  PostgresError,
  type PostgresErrorFields,
} from "./errors.js";
import type { Notice } from "./notice.js";
import { type PgliteSettings, pgliteStartArgs } from "./pglite-settings.js";
import { createResult, type Result } from "./result.js";
import { type SessionSettings, sessionEntries } from "./session-settings.js";
import { createSlots } from "./slots.js";
import type { CompiledQuery } from "./sql.js";
import { firstLine } from "./wait-description.js";

/**
 * Options for {@link usePglite}.
 *
 * @example
 * ```ts
 * import type { PgliteOptions } from "@skein/postgres";
 *
 * const options: PgliteOptions = {
 *   dataDir: "./.data/app",
 *   acquireTimeout: 1000,
 *   settings: { shared_buffers: "64MB" },
 * };
 * ```
 */
export interface PgliteOptions {
  /** Keep the database in this directory. Default: in memory, gone when the scope ends. */
  dataDir?: string;
  /** Give up waiting for the session after this long (`PoolTimeoutError`). Default `Infinity`. */
  acquireTimeout?: number;
  /**
   * Server settings to start with, over lean defaults: `shared_buffers` 16MB (Postgres's own
   * default is 128MB, and PGlite's Postgres holds all of it in memory from the start); for a
   * database in memory also `max_wal_size` 16MB and `full_page_writes` off. Raise
   * `shared_buffers` when the data you keep querying is larger than it.
   */
  settings?: PgliteSettings;
  /** Session settings to start with (`search_path`, `timezone`...). Default none. */
  session?: SessionSettings;
  /** Called with each notice or warning a statement raises. Default: dropped. */
  onNotice?: (notice: Notice) => void;
  /** Your own parsers and serializers, by type name or OID: see `CustomTypes`. Default none. */
  types?: CustomTypes;
}

/** What the worker answers a query with. */
interface Reply {
  rows: Row[];
  command: string;
  rowCount: number | null;
  /** Only once the worker keeps the text of the `types` option's types. */
  columns?: Column[];
}

type Message =
  | { type: "ready" }
  | { type: "failed"; error: PostgresErrorFields }
  | { type: "result"; id: number; value: unknown }
  | { type: "error"; id: number; error: PostgresErrorFields }
  | { type: "notify"; subscriber: number; payload: string }
  | { type: "notice"; notice: Notice };

interface Call {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  text: string;
}

const noop = (): void => {};

const dataDirPath = (dataDir: string): string => dataDir.replace(/^file:\/\//, "");

function errorOf(fields: PostgresErrorFields, text: string): Error {
  if (typeof fields.code === "string") return new PostgresError(fields, text);
  return new Error(fields.message);
}

/**
 * Start an embedded PostgreSQL (PGlite, compiled to WebAssembly) in a worker thread and return
 * a {@link Db} over it; the worker is closed when the current scope ends. It has one session:
 * statements run one at a time, a transaction or cursor holds the session until it ends, and
 * other callers wait (bounded by `acquireTimeout`). It cannot cancel a running statement:
 * halting a query waits for it to finish and drops its result. `statement_timeout`, deadlines
 * as statement timeouts, and COPY are not available.
 *
 * @example
 * ```ts
 * import { sql, usePglite } from "@skein/postgres";
 * import { run } from "@skein/core";
 *
 * await run(function* () {
 *   const db = yield* usePglite();
 *   yield* db.query(sql`create table notes (id serial primary key, body text)`);
 *   yield* db.query(sql`insert into notes (body) values (${"hello"})`);
 *   console.log(yield* db.query<{ body: string }>(sql`select body from notes`));
 * });
 * ```
 *
 * @param options - where to keep the data, how long to wait for the session, server settings
 * @returns an operation yielding the database handle
 */
export function usePglite(options: PgliteOptions = {}): Operation<Db> {
  const acquireTimeout = options.acquireTimeout ?? Infinity;
  const inMemory = options.dataDir === undefined || options.dataDir.startsWith("memory://");
  const startArgs = pgliteStartArgs(options.settings, inMemory);
  const session = sessionEntries(options.session);
  const types = checkTypes(options.types);
  return resource<Db>(function* (provide) {
    yield* label(inMemory ? "pglite memory" : `pglite ${options.dataDir}`);
    // PGlite has no lock of its own: two handles on one directory lose each other's writes.
    const lock = inMemory ? undefined : lockDataDir(dataDirPath(options.dataDir as string));
    try {
      return yield* open(provide);
    } finally {
      lock?.release();
    }
  });

  function* open(provide: (db: Db) => Operation<void>): Operation<void> {
    const worker = new Worker(new URL("./pglite-worker.mjs", import.meta.url), {
      workerData: { dataDir: options.dataDir, startArgs, session },
    });
    const calls = new Map<number, Call>();
    const subscribers = new Map<number, (payload: string) => void>();
    let lastId = 0;
    let lost: Error | undefined;
    let parsers: TypeParsers | undefined;
    let ready: { resolve(): void; reject(error: unknown): void } | undefined;
    const booted = new Promise<void>((resolve, reject) => {
      ready = { resolve, reject };
    });
    booted.catch(noop);
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));

    const fail = (error: Error) => {
      lost ??= new ConnectionError("PGLITE_WORKER", error.message, undefined, error);
      ready?.reject(lost);
      for (const call of calls.values()) call.reject(lost);
      calls.clear();
    };
    worker.on("message", (reply: Message) => {
      switch (reply.type) {
        case "ready":
          ready?.resolve();
          return;
        case "failed":
          fail(new Error(`PGlite did not start: ${reply.error.message}`));
          return;
        case "notify":
          subscribers.get(reply.subscriber)?.(reply.payload);
          return;
        case "notice":
          options.onNotice?.(reply.notice);
          return;
        default: {
          const call = calls.get(reply.id);
          calls.delete(reply.id);
          if (call === undefined) return;
          if (reply.type === "result") call.resolve(reply.value);
          else call.reject(errorOf(reply.error, call.text));
        }
      }
    });
    worker.on("error", fail);
    worker.on("exit", () => fail(new Error("the PGlite worker exited")));

    const send = (message: Record<string, unknown>, text: string): Promise<unknown> => {
      if (lost !== undefined) return Promise.reject(lost);
      const id = ++lastId;
      return new Promise((resolve, reject) => {
        calls.set(id, { resolve, reject, text });
        worker.postMessage({ ...message, id });
      });
    };
    // PGlite cannot be interrupted: a halted caller still waits for the statement to end, so
    // the session is free and in a known state when it is handed on.
    function* exec(query: CompiledQuery): Operation<Result<Row>> {
      const reply = send({ type: "query", text: query.text, params: query.params }, query.text);
      let settled = false;
      reply.then(
        () => {
          settled = true;
        },
        () => {
          settled = true;
        },
      );
      try {
        const { rows, command, rowCount, columns } = (yield* until(reply)) as Reply;
        if (parsers !== undefined) parseRows(rows, columns, parsers);
        return createResult(rows, command, rowCount);
      } finally {
        if (!settled) yield* until(reply.then(noop, noop));
      }
    }

    const slots = createSlots([true]);
    function* hold(): Operation<() => void> {
      const lease = yield* slots.acquire(acquireTimeout);
      return lease.release;
    }
    let cursors = 0;

    const cursor = (query: CompiledQuery, batch: number, own: boolean): Stream<Row, void> =>
      resource<Subscription<Row, void>>(function* (provide) {
        const described = `cursor ${firstLine(query.text)}`;
        yield* label(described);
        const nextRows = `${described} (next rows)`;
        const release = own ? yield* hold() : noop;
        const name = `skein_cursor_${++cursors}`;
        let began = false;
        let declared = false;
        try {
          if (own) {
            yield* exec({ text: "begin", params: [] });
            began = true;
          }
          yield* exec({
            text: `declare ${name} no scroll cursor for ${query.text}`,
            params: query.params,
          });
          declared = true;
          let rows: Row[] = [];
          let index = 0;
          let last = false;
          yield* provide({
            *next() {
              if (index >= rows.length && !last) {
                rows = yield* waitingFor(
                  nextRows,
                  exec({ text: `fetch ${batch} from ${name}`, params: [] }),
                );
                index = 0;
                last = rows.length < batch;
              }
              if (index < rows.length) return { done: false, value: rows[index++] as Row };
              return { done: true, value: undefined };
            },
          });
        } finally {
          try {
            if (declared && !began) yield* exec({ text: `close ${name}`, params: [] });
            if (began) yield* exec({ text: "commit", params: [] });
          } catch {
            // The cursor went with its transaction.
          } finally {
            release();
          }
        }
      });

    const backend: Backend = {
      kind: "pglite",
      stats: () => slots.stats(),
      target: inMemory ? "pglite:memory" : `pglite:${options.dataDir}`,
      statementTimeouts: false,
      *run(query) {
        const release = yield* hold();
        try {
          return yield* exec(query);
        } finally {
          release();
        }
      },
      cursor: (query, batch) => cursor(query, batch, true),
      *session(body) {
        const release = yield* hold();
        const session: Session = {
          broken: false,
          run: exec,
          cursor: (query, batch) => cursor(query, batch, false),
        };
        try {
          return yield* body(session);
        } finally {
          release();
        }
      },
      listen: (channel) =>
        resource<Subscription<string, never>>(function* (provide) {
          yield* label(`listen ${channel}`);
          const queue = createQueue<string, never>();
          const subscriber = ++lastId;
          subscribers.set(subscriber, (payload) => queue.add(payload));
          // LISTEN must not land inside someone else's transaction: take the session first.
          const listening = yield* hold();
          try {
            yield* until(send({ type: "listen", channel, subscriber }, `listen ${channel}`));
          } finally {
            listening();
          }
          const notification = `notification on ${channel}`;
          try {
            yield* provide({ next: () => waitingFor(notification, queue.next()) });
          } finally {
            subscribers.delete(subscriber);
            if (lost === undefined) {
              const unlistening = yield* hold();
              try {
                yield* until(send({ type: "unlisten", subscriber }, "unlisten").then(noop, noop));
              } finally {
                unlistening();
              }
            }
          }
        }),
      copyTo() {
        throw new NotSupportedError("pglite", "COPY");
      },
      copyFrom() {
        throw new NotSupportedError("pglite", "COPY");
      },
    };

    try {
      yield* until(booted);
      if (types !== undefined) {
        const found = yield* resolveTypes(types, exec);
        yield* until(send({ type: "types", raw: found.raw }, "types"));
        parsers = found;
      }
      yield* provide(createDb(backend, types));
    } finally {
      if (lost === undefined) yield* until(send({ type: "close" }, "close").then(noop, noop));
      yield* until(worker.terminate().then(noop, noop));
      yield* until(exited);
    }
  }
}
