import { all, each, type Operation, scoped, sleep, spawn, timeout } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { type FaultProxy, useFaultProxy } from "../test/fault-proxy.js";
import { serverConfigured } from "../test/server.js";
import { caught, nameOf } from "../test/suite.js";
import { ConnectionError, type Db, sql, usePostgres } from "./mod.js";

/** How long a halt may take to settle, faults and all: the package's own bounds are 2 s and 10 s. */
const HALT_BOUND_MS = 15_000;

/**
 * How long a statement may wait for its client to reconnect once the network is back: the
 * package caps postgres.js's reconnect delay at 1 s; slack for load.
 */
const RECONNECT_BOUND_MS = 5_000;

/** A pool of `max` connections to the server through a fault proxy, each test's own. */
function* useProxiedDb(name: string, max: number): Operation<{ proxy: FaultProxy; db: Db }> {
  const proxy = yield* useFaultProxy({
    host: process.env.PGHOST ?? "127.0.0.1",
    port: Number(process.env.PGPORT ?? 5432),
  });
  const db = yield* usePostgres({
    host: "127.0.0.1",
    port: proxy.port,
    applicationName: nameOf(name),
    max,
    connectTimeout: 5_000,
  });
  return { proxy, db };
}

/** {@link useProxiedDb}, warmed up with one query. */
function* useProxiedPool(name: string, max: number): Operation<{ proxy: FaultProxy; db: Db }> {
  const pool = yield* useProxiedDb(name, max);
  yield* pool.db.query(sql`select 1`);
  return pool;
}

describe.runIf(serverConfigured)("halting under network faults", () => {
  it("settles a halted cursor and transaction within the bound when the connection stalls upstream, and answers on every connection once it clears", function* () {
    // Found by a halt-anywhere property test: each resent cancel request waited up to 2 s for a
    // connection that never answered, 20 times over, so the halt took more than 25 s.
    const { proxy, db } = yield* useProxiedPool("stall", 2);
    proxy.inject({ direction: "up", at: 0, kind: "stall" });
    const work = yield* spawn(() =>
      all([
        caught(
          (function* (): Operation<void> {
            for (const _ of yield* each(
              db.cursor(sql`select g from generate_series(1, ${3000}) g`),
            )) {
              yield* each.next();
            }
          })(),
        ),
        caught(db.transaction((tx) => tx.query(sql`select ${1}::int as one`))),
      ]),
    );
    // The moment to halt at: both are waiting on the stalled network by then.
    yield* sleep(250);
    yield* timeout(HALT_BOUND_MS, work.halt());
    expect(db.stats()).toMatchObject({ busy: 0, waiting: 0 });
    // Once the stall clears, both connections answer at once. The cursor used to be stopped
    // with postgres.js's own cancel while its client was connecting with it: that client never
    // finished connecting, and the next transaction on it failed at connectTimeout.
    proxy.inject(undefined);
    const pids = yield* timeout(
      HALT_BOUND_MS,
      all(
        [1, 2].map(() =>
          db.transaction(function* (tx) {
            const [row] = yield* tx.query<{ pid: number }>(
              sql`select pg_backend_pid() as pid, pg_sleep(${0.05})`,
            );
            return row?.pid;
          }),
        ),
      ),
    );
    expect(new Set(pids).size).toBe(2);
  });

  it("settles a LISTEN halted while its connection stalls", function* () {
    const { proxy, db } = yield* useProxiedDb("listen", 1);
    // The listener connection is open, then stalls: the next LISTEN is never answered.
    const first = yield* db.listen(nameOf("first"));
    yield* db.notify(nameOf("first"), "ready");
    expect((yield* first.next()).value).toBe("ready");
    proxy.inject({ direction: "up", at: 0, kind: "stall" });
    const listening = yield* spawn(() => caught(db.listen(nameOf("second"))));
    yield* sleep(100);
    // It used to wait for the LISTEN to be answered, that is, for ever.
    yield* timeout(HALT_BOUND_MS, listening.halt());
  });

  it("settles a query halted while pipelined behind a statement its stalled connection never finishes", function* () {
    // Issue 14, the hang of the halt-anywhere property test: a halted query waited for its turn
    // on the connection, unbounded. A query ahead of it whose answer never comes (its own task
    // not halted yet; a scope halts its children last first) held that halt, and so the
    // scope's end, for ever.
    const { proxy, db } = yield* useProxiedDb("pipelined", 1);
    yield* db.query(sql`select ${0}::int as warm`);
    proxy.inject({ direction: "down", at: 0, kind: "stall" });
    const ahead = yield* spawn(() => caught(db.query(sql`select ${1}::int as ahead`)));
    const behind = yield* spawn(() => db.query(sql`select ${2}::int as behind`));
    // The moment to halt at: both statements are on the wire, neither answer comes back.
    yield* sleep(100);
    expect(db.stats()).toMatchObject({ busy: 1, waiting: 0 });
    yield* timeout(HALT_BOUND_MS, behind.halt());
    // Its client was replaced, which fails the statement ahead, as the README says of a client
    // replaced under pipelined queries; that caller gets an error it can retry, not a hang.
    expect(yield* timeout(HALT_BOUND_MS, ahead)).toBeInstanceOf(ConnectionError);
    expect(db.stats()).toMatchObject({ busy: 0, waiting: 0 });
    proxy.inject(undefined);
    const [row] = yield* timeout(HALT_BOUND_MS, db.query(sql`select ${3}::int as after`));
    expect(row).toEqual({ after: 3 });
  });

  it("fails a COPY TO whose connection is reset mid-stream with a ConnectionError, and runs a transaction on the same pool next", function* () {
    // Issue 14: the patched driver's COPY stream, destroyed once its socket was gone, threw a
    // TypeError (reading 'resume' of null) that the reader got instead of the connection error.
    const { proxy, db } = yield* useProxiedPool("copyreset", 1);
    // Reset once 3000 bytes of the answer have come back: the COPY's first rows are read.
    proxy.inject({ direction: "down", at: 3_000, kind: "reset", once: true });
    const error = yield* timeout(
      HALT_BOUND_MS,
      caught(
        // In a scope of its own: a COPY that fails fails the task `each()` starts for it.
        scoped(function* () {
          for (const _ of yield* each(
            db.copyTo(
              sql`copy (select g, repeat('x', 40) from generate_series(1, 20000) g) to stdout`,
            ),
          )) {
            yield* each.next();
          }
        }),
      ),
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(db.stats()).toMatchObject({ busy: 0, waiting: 0 });
    const rows = yield* timeout(
      HALT_BOUND_MS,
      db.transaction((tx) => tx.query(sql`select ${1}::int as one`)),
    );
    expect(rows).toEqual([{ one: 1 }]);
  });

  it("sends the next statement within the bound once a fault that reset every connect attempt has cleared", function* () {
    // Issue 14: postgres.js waits longer before each reconnect after a connection lost with an
    // error (3^n / 100 s, up to 20 s), counting until a connect succeeds. Seven attempts reset
    // by the network made the first statement after the fault wait 10 to 20 s before it was
    // sent, past the property test's recovery bound.
    const { proxy, db } = yield* useProxiedPool("backoff", 1);
    // Every connection, the current one and each reconnect, is reset inside its startup.
    proxy.inject({ direction: "up", at: 10, kind: "reset" });
    for (let attempt = 0; attempt < 7; attempt++) {
      const error = yield* timeout(HALT_BOUND_MS, caught(db.query(sql`select ${attempt}::int`)));
      expect(error).toBeInstanceOf(ConnectionError);
    }
    proxy.inject(undefined);
    const rows = yield* timeout(
      RECONNECT_BOUND_MS,
      db.transaction((tx) => tx.query(sql`select ${1}::int as one`)),
    );
    expect(rows).toEqual([{ one: 1 }]);
  });
});
