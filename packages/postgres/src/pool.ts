import { action, type Operation } from "@skein/core";
import { PoolTimeoutError } from "./errors.js";
import type { PoolStats } from "./pool-stats.js";
import type { Connection } from "./server-query.js";
import type { Lease } from "./slots.js";
import { poolWait } from "./wait-description.js";

/**
 * Internal. The server backend's connections, lent two ways: a query that may share its
 * connection with others (pipelined: sent before the ones ahead of it have answered), or a
 * holder that has the connection to itself (a transaction, a cursor, COPY, a statement without
 * parameters). Waiters are served first come, first served: while a holder waits for an idle
 * connection, no new query is pipelined, so the connections drain and it is not starved.
 */
export interface Pool {
  /**
   * A connection for one query that may share it with up to `depth - 1` others; the least
   * busy one, so an idle connection is always preferred to pipelining. Give it back with
   * {@link Pool.release} once the query has settled.
   */
  share(): Operation<Connection>;
  /** {@link Pool.share} when a connection is free now, without waiting: else `undefined`. */
  tryShare(): Connection | undefined;
  /** An idle connection to hold alone until the lease is released. */
  hold(): Operation<Lease<Connection>>;
  /** Give back a connection taken with {@link Pool.share}. */
  release(connection: Connection): void;
  /** How many connections are idle and busy, and how many callers wait. */
  stats(): PoolStats;
}

interface Waiter {
  readonly shared: boolean;
  granted: Connection | undefined;
  grant(connection: Connection): void;
}

/**
 * Internal. A pool over `connections`.
 *
 * @param connections - the clients, each with one connection
 * @param depth - how many queries may be in flight on one connection; 1 turns pipelining off
 * @param timeoutMs - how long a caller may wait for a connection (then `PoolTimeoutError`)
 * @returns the pool
 */
export function createPool(
  connections: readonly Connection[],
  depth: number,
  timeoutMs: number,
): Pool {
  const waiters: Waiter[] = [];

  const sharable = (): Connection | undefined => {
    let best: Connection | undefined;
    for (const connection of connections) {
      if (connection.exclusive || connection.full || connection.load >= depth) continue;
      if (connection.load === 0) return connection;
      if (best === undefined || connection.load < best.load) best = connection;
    }
    return best;
  };
  const idle = (): Connection | undefined => {
    for (const connection of connections) if (connection.load === 0) return connection;
    return undefined;
  };
  const take = (connection: Connection, shared: boolean): void => {
    connection.load++;
    if (!shared) connection.exclusive = true;
  };
  const dispatch = (): void => {
    while (waiters.length > 0) {
      const waiter = waiters[0] as Waiter;
      const connection = waiter.shared ? sharable() : idle();
      if (connection === undefined) return;
      waiters.shift();
      take(connection, waiter.shared);
      waiter.grant(connection);
    }
  };
  const release = (connection: Connection): void => {
    connection.load--;
    if (connection.load === 0) {
      connection.exclusive = false;
      connection.full = false;
    }
    dispatch();
  };
  function* wait(shared: boolean): Operation<Connection> {
    const waiter: Waiter = { shared, granted: undefined, grant() {} };
    let taken = false;
    try {
      yield* action<void>((resolve, reject) => {
        waiter.grant = (connection) => {
          waiter.granted = connection;
          resolve();
        };
        waiters.push(waiter);
        const timer =
          timeoutMs === Infinity
            ? undefined
            : setTimeout(() => {
                remove(waiter);
                reject(new PoolTimeoutError(timeoutMs));
              }, timeoutMs);
        return () => {
          remove(waiter);
          clearTimeout(timer);
        };
      }, describeWait);
      taken = true;
      return waiter.granted as unknown as Connection;
    } finally {
      // Granted to a task halted before it resumed: give it back.
      if (waiter.granted !== undefined && !taken) release(waiter.granted);
    }
  }
  const remove = (waiter: Waiter): void => {
    const index = waiters.indexOf(waiter);
    if (index === -1) return;
    waiters.splice(index, 1);
    // A holder that left the head of the line may have been all that kept queries waiting.
    if (index === 0) dispatch();
  };

  const tryShare = (): Connection | undefined => {
    if (waiters.length > 0) return undefined;
    const connection = sharable();
    if (connection !== undefined) connection.load++;
    return connection;
  };
  const sharing: Operation<Connection> = {
    *[Symbol.iterator]() {
      return tryShare() ?? (yield* wait(true));
    },
  };
  const holding: Operation<Lease<Connection>> = {
    *[Symbol.iterator]() {
      let connection = waiters.length === 0 ? idle() : undefined;
      if (connection !== undefined) take(connection, false);
      else connection = yield* wait(false);
      const held = connection;
      let released = false;
      return {
        value: held,
        release() {
          if (!released) {
            released = true;
            release(held);
          }
        },
      };
    },
  };
  const stats = (): PoolStats => {
    let idle = 0;
    for (const connection of connections) if (connection.load === 0) idle++;
    return {
      size: connections.length,
      idle,
      busy: connections.length - idle,
      waiting: waiters.length,
    };
  };
  const describeWait = poolWait(stats);
  return { share: () => sharing, tryShare, hold: () => holding, release, stats };
}
