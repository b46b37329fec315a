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
import postgres from "postgres";
import { type Backend, createDb, type Session } from "./backend.js";
import { resolveTypes, type TypeParsers } from "./custom-types.js";
import type { Db } from "./db.js";
import { ConnectionError } from "./errors.js";
import { noticeOf } from "./notice.js";
import type { ServerSettings } from "./options.js";
import { createPool } from "./pool.js";
import { copyFrom, copyTo } from "./server-copy.js";
import { serverCursor } from "./server-cursor.js";
import {
  Collateral,
  type Connection,
  failClosed,
  runQuery,
  SETTLE_MS,
  translate,
  wasSent,
  within,
} from "./server-query.js";
import type { Lease } from "./slots.js";

const noop = (): void => {};

/** How often a pipelined query stopped by another query's cancel is sent in all. */
const COLLATERAL_ATTEMPTS = 3;

const BYTEA_OID = 17;

/**
 * bytea as a plain `Uint8Array`, as PGlite gives it, where postgres.js gives a `Buffer` (whose
 * methods and `toJSON()` differ); a view, not a copy.
 */
const BYTEA = {
  to: BYTEA_OID,
  from: [BYTEA_OID],
  serialize: (bytes: Uint8Array) =>
    `\\x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")}`,
  parse: (text: string) => {
    const bytes = Buffer.from(text.slice(2), "hex");
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  },
};

const JSON_OIDS = [114, 3802];

/**
 * json and jsonb as PGlite sends them: a string parameter is JSON text already, where
 * postgres.js encoded it once more (`${JSON.stringify(x)}::jsonb` stored a JSON string).
 */
/** A JSON parameter's text; a `bigint` inside becomes its decimal string, as PGlite writes it. */
function jsonText(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value);
  } catch (error) {
    // Only a bigint makes the replacer's cost worth paying; anything else (a cycle) stands.
    if (!(error instanceof TypeError) || !/BigInt/i.test(error.message)) throw error;
    return JSON.stringify(value, (_key, item: unknown) =>
      typeof item === "bigint" ? item.toString() : item,
    );
  }
}

const JSON_TYPE = {
  to: 114,
  from: JSON_OIDS,
  serialize: jsonText,
  parse: (text: string) => JSON.parse(text) as unknown,
};

/** The longest a client waits before reconnecting after its connection was lost, in seconds. */
const RECONNECT_CAP_S = 1;

/**
 * postgres.js's delay before a reconnect, in seconds, after `retries` connections lost with an
 * error in a row: its own curve (3^retries / 100 s, with jitter), capped at 1 s instead of 20 s.
 * A network fault that resets every connect attempt drives the count up (it is reset only by a
 * connect that succeeds), so after eight such attempts the next statement waited 10 to 20 s
 * after the network was back before it was even sent (issue 14, `FUZZ_SEED=2 FUZZ_PATH=13`).
 */
function reconnectDelay(retries: number): number {
  return (0.5 + Math.random() / 2) * Math.min(3 ** retries / 100, RECONNECT_CAP_S);
}

/** postgres.js's `ssl` for libpq's `sslmode`; it has no `verify-ca` of its own. */
function tlsOf(ssl: ServerSettings["ssl"]): postgres.Options<never>["ssl"] {
  if (ssl === "verify-ca")
    return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
  return ssl;
}

/** The configured types and their arrays as text, for the `types` option's parsers. */
function rawTypes(parsers: TypeParsers | undefined): Record<string, postgres.PostgresType> {
  if (parsers === undefined) return {};
  // No serialize: postgres.js would take it for every parameter of these types, and of type 0.
  const keep = { to: 0, from: [...parsers.raw], parse: (text: string) => text };
  return { skein_custom: keep as unknown as postgres.PostgresType };
}

function connect(settings: ServerSettings, parsers?: TypeParsers): Connection {
  const closed = new Set<(replaced: boolean) => void>();
  const open = (): postgres.Sql => {
    const sql: postgres.Sql = postgres({
      // Several hosts as lists, tried in order; one as it is, where a directory is a socket.
      ...(settings.hosts.length > 1
        ? {
            // postgres.js takes lists, which its types do not say.
            host: settings.hosts.map((endpoint) => endpoint.host) as unknown as string,
            port: settings.hosts.map((endpoint) => endpoint.port) as unknown as number,
          }
        : { host: settings.host, port: settings.port }),
      database: settings.database,
      username: settings.user,
      ...(settings.password === undefined ? {} : { password: settings.password }),
      ssl: tlsOf(settings.ssl),
      max: 1,
      prepare: settings.prepare,
      idle_timeout: settings.idleTimeout === Infinity ? 0 : settings.idleTimeout / 1000,
      connect_timeout: settings.connectTimeout / 1000,
      backoff: reconnectDelay,
      onnotice: (notice) => settings.onNotice?.(noticeOf(notice)),
      types: { bytea: BYTEA, json: JSON_TYPE, ...rawTypes(parsers) },
      onclose: () => {
        // A client replaced by reset() closes late: its close says nothing of the new one.
        if (connection.sql === sql) onClose();
      },
      connection: {
        ...Object.fromEntries(settings.session),
        application_name: settings.applicationName,
        ...(settings.serverOptions === undefined ? {} : { options: settings.serverOptions }),
        ...(settings.statementTimeout > 0 ? { statement_timeout: settings.statementTimeout } : {}),
      },
    });
    return sql;
  };
  const onClose = (): void => {
    connection.ready = false;
    for (const callback of closed) callback(false);
    // postgres.js fails the queries it sent on a closed connection itself, except sometimes
    // right after an error; what it has not failed by the next turn of the event loop is failed
    // here. One it has not sent yet is sent on its next connection.
    for (const running of connection.running) {
      if (wasSent(running)) setImmediate(failClosed, running);
    }
  };
  const connection: Connection = {
    sql: open(),
    closed,
    running: new Set(),
    load: 0,
    exclusive: false,
    full: false,
    ready: false,
    cancels: 0,
    cancelling: 0,
    types: parsers,
    *reset(): Operation<void> {
      const old = connection.sql;
      (connection as { sql: postgres.Sql }).sql = open();
      connection.ready = false;
      for (const callback of closed) callback(true);
      yield* until(old.end({ timeout: 0 }).then(noop, noop));
    },
  };
  return connection;
}

/**
 * Internal. A pool of `max` single-connection postgres.js clients as a resource, ended when
 * the owning scope ends (after every query started in that scope has been halted and so
 * cancelled). Each caller gets a client to itself, so a transaction needs no `reserve()` and
 * a cancel request can only reach the statement it was meant for; postgres.js reconnects a
 * client whose connection was lost.
 *
 * @param settings - resolved connection settings
 * @returns the database handle
 */
export function useServer(settings: ServerSettings): Operation<Db> {
  return resource<Db>(function* (provide) {
    yield* label(`postgres ${targetOf(settings)}`);
    const parsers = settings.types === undefined ? undefined : yield* lookUp(settings);
    const clients = Array.from({ length: settings.max }, () => connect(settings, parsers));
    // LISTEN gets a client of its own, which postgres.js connects only when first used.
    const listener = connect(settings).sql;
    const pool = createPool(clients, settings.pipeline, settings.acquireTimeout);
    const acquire = pool.hold;

    const backend: Backend = {
      kind: "server",
      target: targetOf(settings),
      stats: () => pool.stats(),
      statementTimeouts: true,
      *run(query) {
        // Without parameters postgres.js uses the simple protocol, whose text may hold several
        // statements: such a query is never pipelined, so no cancel can reach it by mistake.
        if (query.params.length === 0) {
          const lease = yield* acquire();
          try {
            return yield* runQuery(lease.value, query);
          } finally {
            lease.release();
          }
        }
        for (let attempt = 1; ; attempt++) {
          const connection = pool.tryShare() ?? (yield* pool.share());
          try {
            return yield* runQuery(connection, query, undefined, true);
          } catch (error) {
            if (!(error instanceof Collateral)) throw error;
            // Stopped by a cancel meant for a statement ahead of it, and so rolled back.
            if (attempt === COLLATERAL_ATTEMPTS) throw error.error;
          } finally {
            pool.release(connection);
          }
        }
      },
      cursor: (query, batch) => serverCursor(acquire, query, batch),
      *session(body) {
        const lease = yield* acquire();
        try {
          return yield* held(lease.value, body);
        } finally {
          lease.release();
        }
      },
      listen: (channel) => listen(listener, channel),
      copyTo: (query) => copyTo(acquire, query),
      copyFrom: (query, source) => copyFrom(acquire, query, source),
    };
    try {
      yield* provide(createDb(backend, settings.types));
    } finally {
      yield* until(
        Promise.all(
          [...clients.map((client) => client.sql), listener].map((sql) => sql.end({ timeout: 5 })),
        ).then(noop, noop),
      );
    }
  });
}

/**
 * The OIDs of the `types` option's types, looked up on a connection of their own: the pool's
 * clients must be made knowing them, to leave their text as it is.
 */
function* lookUp(settings: ServerSettings): Operation<TypeParsers> {
  const probe = connect(settings);
  try {
    return yield* resolveTypes(settings.types ?? {}, (query) => runQuery(probe, query));
  } finally {
    yield* until(probe.sql.end({ timeout: 5 }).then(noop, noop));
  }
}

function targetOf(settings: ServerSettings): string {
  if (settings.host.startsWith("/")) {
    return `postgres://${settings.user}@/${settings.database}?host=${settings.host}&port=${settings.port}`;
  }
  const hosts = settings.hosts.map(({ host, port }) =>
    host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`,
  );
  return `postgres://${settings.user}@${hosts.join(",")}/${settings.database}`;
}

function* held<T>(client: Connection, body: (session: Session) => Operation<T>): Operation<T> {
  const lease: Lease<Connection> = { value: client, release: noop };
  const own: Operation<Lease<Connection>> = {
    *[Symbol.iterator]() {
      return lease;
    },
  };
  const session = {
    broken: false,
    run: (query: Parameters<Session["run"]>[0]) =>
      checked(query, runQuery(client, query, markBroken)),
    cursor: (query: Parameters<Session["cursor"]>[0], batch: number) =>
      serverCursor(() => own, query, batch, markBroken),
  };
  function markBroken() {
    session.broken = true;
  }
  // Something of this session has gone out on the client's connection.
  let began = false;
  const onClosed = (replaced: boolean) => {
    // A close before any statement of the session was sent ends an earlier connection (a
    // connect that timed out just before the session started, seen late): every statement of
    // the session then runs on the next one.
    if (replaced || began || [...client.running].some(wasSent)) markBroken();
  };
  // postgres.js reconnects a closed client by itself: a statement sent after the close would
  // run in a new session, outside this transaction. Once the connection has closed, every
  // further statement of the session fails instead.
  function* checked<R>(
    query: Parameters<Session["run"]>[0],
    operation: Operation<R>,
  ): Operation<R> {
    const lost = () =>
      new ConnectionError(
        "CONNECTION_CLOSED",
        "the connection holding this transaction was lost",
        query.text,
      );
    if (session.broken) throw lost();
    let result: R;
    try {
      result = yield* operation;
    } finally {
      began = true;
    }
    if (session.broken) throw lost();
    return result;
  }
  client.closed.add(onClosed);
  try {
    return yield* body(session);
  } finally {
    client.closed.delete(onClosed);
  }
}

function listen(client: postgres.Sql, channel: string): Stream<string, never> {
  return resource<Subscription<string, never>>(function* (provide) {
    yield* label(`listen ${channel}`);
    const queue = createQueue<string, never>();
    const request = client.listen(channel, (payload) => queue.add(payload));
    let listening: Awaited<typeof request> | undefined;
    try {
      listening = yield* until(request);
    } catch (error) {
      throw translate(error, `listen ${channel}`);
    } finally {
      if (listening === undefined) {
        // Bounded like the rest: on a stalled listener connection LISTEN may never answer. If
        // it does later, the chain below still unlistens.
        const unlistened = request.then((l) => l.unlisten(), noop).then(noop, noop);
        yield* until(within(unlistened, SETTLE_MS));
      }
    }
    const active = listening;
    const notification = `notification on ${channel}`;
    try {
      yield* provide({ next: () => waitingFor(notification, queue.next()) });
    } finally {
      // Bounded: a listener connection that stalls must not hold the scope's end forever.
      yield* until(within(active.unlisten().then(noop, noop), SETTLE_MS));
    }
  });
}
