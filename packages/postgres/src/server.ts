import {
  createQueue,
  type Operation,
  resource,
  type Stream,
  type Subscription,
  until,
} from "@skein/core";
import postgres from "postgres";
import { type Backend, createDb, type Session } from "./backend.js";
import type { Db } from "./db.js";
import type { ServerSettings } from "./options.js";
import { copyFrom, copyTo } from "./server-copy.js";
import { serverCursor } from "./server-cursor.js";
import { runQuery, translate } from "./server-query.js";
import { createSlots } from "./slots.js";

const noop = (): void => {};

/**
 * Internal. A postgres.js pool as a resource: it is ended when the owning scope ends, after
 * every query started in that scope has been halted (and so cancelled).
 *
 * @param settings - resolved connection settings
 * @returns the database handle
 */
export function useServer(settings: ServerSettings): Operation<Db> {
  return resource<Db>(function* (provide) {
    const client = postgres({
      host: settings.host,
      port: settings.port,
      database: settings.database,
      username: settings.user,
      ...(settings.password === undefined ? {} : { password: settings.password }),
      ssl: settings.ssl,
      max: settings.max,
      idle_timeout: settings.idleTimeout === Infinity ? 0 : settings.idleTimeout / 1000,
      connect_timeout: settings.connectTimeout / 1000,
      onnotice: noop,
      connection: {
        application_name: settings.applicationName,
        ...(settings.statementTimeout > 0 ? { statement_timeout: settings.statementTimeout } : {}),
      },
    });
    const slots = createSlots(settings.max);
    const hold = () => slots.acquire(settings.acquireTimeout);

    const backend: Backend = {
      kind: "server",
      statementTimeouts: true,
      *run(query) {
        const release = yield* hold();
        try {
          return yield* runQuery(client, query);
        } finally {
          release();
        }
      },
      cursor: (query, batch) => serverCursor(client, query, batch, hold),
      *session(body) {
        const release = yield* hold();
        try {
          return yield* reserved(client, body);
        } finally {
          release();
        }
      },
      listen: (channel) => listen(client, channel),
      copyTo: (query) => copyTo(client, query, hold),
      copyFrom: (query, source) => copyFrom(client, query, source, hold),
    };
    try {
      yield* provide(createDb(backend));
    } finally {
      yield* until(client.end({ timeout: 5 }).then(noop, noop));
    }
  });
}

function* reserved<T>(
  client: postgres.Sql,
  body: (session: Session) => Operation<T>,
): Operation<T> {
  const reserving = client.reserve();
  let connection: postgres.ReservedSql | undefined;
  try {
    connection = yield* until(reserving);
  } catch (error) {
    throw translate(error, "reserve");
  } finally {
    if (connection === undefined) {
      yield* until(reserving.then((c) => c.release(), noop));
    }
  }
  const target = connection;
  const session = {
    broken: false,
    run: (query: Parameters<Session["run"]>[0]) => runQuery(target, query, markBroken),
    cursor: (query: Parameters<Session["cursor"]>[0], batch: number) =>
      serverCursor(target, query, batch, () => noopHold, markBroken),
  };
  function markBroken() {
    session.broken = true;
  }
  try {
    return yield* body(session);
  } finally {
    // A connection that died while reserved is already back in postgres.js's closed list;
    // releasing it as well would put a dead socket in the open list.
    if (!session.broken) target.release();
  }
}

const noopHold: Operation<() => void> = {
  *[Symbol.iterator]() {
    return noop;
  },
};

function listen(client: postgres.Sql, channel: string): Stream<string, never> {
  return resource<Subscription<string, never>>(function* (provide) {
    const queue = createQueue<string, never>();
    const request = client.listen(channel, (payload) => queue.add(payload));
    let listening: Awaited<typeof request> | undefined;
    try {
      listening = yield* until(request);
    } catch (error) {
      throw translate(error, `listen ${channel}`);
    } finally {
      if (listening === undefined) {
        yield* until(request.then((l) => l.unlisten(), noop).then(noop, noop));
      }
    }
    const active = listening;
    try {
      yield* provide(queue);
    } finally {
      yield* until(active.unlisten().then(noop, noop));
    }
  });
}
