import { existsSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  all,
  createChannel,
  each,
  type Operation,
  type Stream,
  sleep,
  spawn,
  suspend,
  TimeoutError,
  timeout,
  withResolvers,
} from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect, it as vitestIt } from "vitest";
import { caught, describeDb, idsOf, nameOf, RUN, useTable } from "../test/suite.js";
import {
  ConnectionError,
  type Db,
  type Notice,
  PoolTimeoutError,
  PostgresError,
  type PostgresOptions,
  sql,
  type Transaction,
  usePostgres,
} from "./mod.js";

const env = process.env;
const configured = Boolean(env.DATABASE_URL ?? env.PGHOST);
const inCi = env.CI === "true" || env.CI === "1";

/**
 * A pool whose backends can be told apart in pg_stat_activity; `role` tells apart the pools
 * of one test.
 */
function* useServer(
  options: PostgresOptions = {},
  role = "app",
): Operation<{ db: Db; app: string }> {
  const app = nameOf(role);
  const db = yield* usePostgres({ applicationName: app, ...options });
  expect(db.backend).toBe("server");
  return { db, app };
}

interface Activity {
  pid: number;
  state: string | null;
  query: string;
}

function* activity(admin: Db, app: string): Operation<Activity[]> {
  return yield* admin.query<Activity>(
    sql`select pid, state, query from pg_stat_activity where application_name = ${app}`,
  );
}

/** Poll the server until `check` holds; fails after `tries` polls. */
function* poll<T>(
  probe: () => Operation<T>,
  check: (value: T) => boolean,
  tries = 400,
): Operation<T> {
  for (let i = 0; i < tries; i++) {
    const value = yield* probe();
    if (check(value)) return value;
    yield* sleep(5);
  }
  throw new Error("the server never reached the expected state");
}

if (!configured && inCi) {
  describe("server backend", () => {
    vitestIt("has a server configured in CI", () => {
      throw new Error(
        "CI is set but neither DATABASE_URL nor PGHOST is: the server suite cannot run",
      );
    });
  });
} else if (!configured) {
  describe.skip("server backend (skipped: set DATABASE_URL or PGHOST to run it)", () => {
    vitestIt("needs a server", () => {});
  });
} else {
  describeDb({
    name: "a server (postgres.js)",
    open: function* () {
      return (yield* useServer({ max: 4 })).db;
    },
    statementTimeouts: true,
    cursorRows: 20_000,
  });

  describe("usePostgres() on a server", () => {
    it("frees the backend when a pg_sleep(10) is halted, before halt() returns", function* () {
      const { db: admin } = yield* useServer({}, "admin");
      const { db, app } = yield* useServer({ max: 1 });
      const task = yield* spawn(() => db.query(sql`select pg_sleep(10)`));
      const [running] = yield* poll(
        () => activity(admin, app),
        (rows) => rows.some((row) => row.state === "active" && row.query.includes("pg_sleep")),
      );
      const started = performance.now();
      yield* task.halt();
      const halted = performance.now() - started;
      const [after] = yield* activity(admin, app);
      expect(after?.pid).toBe(running?.pid);
      expect(after?.state).toBe("idle");
      // Far below the statement's 10 s: the cancel reached the server (the idle state above).
      expect(halted).toBeLessThan(5_000);
      const [row] = yield* db.query<{ ok: number }>(sql`select 1 as ok`);
      expect(row?.ok).toBe(1);
    });

    it("takes a URL string the same as { url }, as postgres.js and pg do", function* () {
      const url =
        env.DATABASE_URL ||
        `postgres://${env.PGUSER ?? "postgres"}@${env.PGHOST}:${env.PGPORT ?? 5432}/${env.PGDATABASE ?? "postgres"}`;
      const db = yield* usePostgres(url);
      expect(db.backend).toBe("server");
      const [row] = yield* db.query<{ ok: number }>(sql`select 1 as ok`);
      expect(row?.ok).toBe(1);
    });

    it("cancels a query when the enclosing timeout expires", function* () {
      const { db: admin } = yield* useServer({}, "admin");
      const { db, app } = yield* useServer({ max: 1 });
      // Connected first: under load a 100 ms limit could fire before the statement reached the
      // server, and there would be nothing to cancel.
      yield* db.query(sql`select 1`);
      const error = yield* caught(timeout(1_000, db.query(sql`select pg_sleep(10)`)));
      expect(error).toBeInstanceOf(TimeoutError);
      const rows = yield* activity(admin, app);
      expect(rows.map((row) => row.state)).toEqual(["idle"]);
    });

    it("closes every connection when its scope ends", function* () {
      const { db: admin } = yield* useServer({}, "admin");
      const app = `skein_${RUN}_closing`;
      yield* scopedPool(app, function* (db) {
        yield* db.query(sql`select 1`);
        const rows = yield* activity(admin, app);
        expect(rows).toHaveLength(1);
      });
      const rows = yield* poll(
        () => activity(admin, app),
        (found) => found.length === 0,
      );
      expect(rows).toEqual([]);
    });

    it("streams a million rows through a cursor with bounded memory", function* () {
      const { db } = yield* useServer();
      // Retained memory, not garbage that has yet to be collected: sample after a collection.
      setFlagsFromString("--expose-gc");
      const collect = runInNewContext("gc") as () => void;
      collect();
      const before = process.memoryUsage().heapUsed;
      let peak = 0;
      let count = 0;
      for (const row of yield* each(
        db.cursor<{ g: number }>(
          sql`select g, repeat('x', 40) as pad from generate_series(1, 1000000) g`,
          {
            batch: 1000,
          },
        ),
      )) {
        count++;
        if (row.g % 50_000 === 0) {
          collect();
          peak = Math.max(peak, process.memoryUsage().heapUsed - before);
        }
        yield* each.next();
      }
      expect(count).toBe(1_000_000);
      expect(peak).toBeLessThan(100 * 1024 * 1024);
    }, 120_000);

    it("keeps listening after its backend is terminated", function* () {
      const { db: admin } = yield* useServer({}, "admin");
      const { db, app } = yield* useServer();
      const channel = `skein_${RUN}_reconnect`;
      const subscription = yield* db.listen(channel);
      const [listener] = yield* poll(
        () => activity(admin, app),
        (rows) => rows.some((row) => row.query.startsWith("listen")),
      );
      yield* admin.query(sql`select pg_terminate_backend(${listener?.pid})`);
      yield* poll(
        () => activity(admin, app),
        // Idle, not merely started: a notification sent while the new LISTEN is still running
        // is not delivered to it (CI under load lost one that way and hung).
        (rows) =>
          rows.some(
            (row) =>
              row.query.startsWith("listen") && row.state === "idle" && row.pid !== listener?.pid,
          ),
      );
      yield* admin.query(sql`select pg_notify(${channel}, ${"after"})`);
      expect(yield* subscription.next()).toEqual({ done: false, value: "after" });
    });

    it("fails with PoolTimeoutError when every connection stays busy", function* () {
      const { db } = yield* useServer({ max: 2, acquireTimeout: 100 });
      const held = createChannel<void, never>();
      const holds = yield* held;
      for (let i = 0; i < 2; i++) {
        yield* spawn(() =>
          db.transaction(function* () {
            yield* held.send();
            yield* suspend();
          }),
        );
      }
      yield* holds.next();
      yield* holds.next();
      const started = performance.now();
      const error = yield* caught(db.query(sql`select 1`));
      expect(error).toBeInstanceOf(PoolTimeoutError);
      expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    });

    it("recovers when every backend of the pool is terminated mid-run, losing no commit", function* () {
      const { db: admin } = yield* useServer({}, "admin");
      const { db, app } = yield* useServer({ max: 4 });
      const table = yield* useTable(db, "recover");
      const insert = (tx: Transaction, id: number) =>
        tx.query(sql`insert into ${sql.id(table)} (id) values (${id})`);
      let next = 0;
      const committed: number[] = [];
      let retried = 0;
      const commitSome = function* (count: number): Operation<void> {
        for (let i = 0; i < count; i++) {
          const id = ++next;
          // Right after the termination a statement may fail, or stall until the deadline
          // halts it; the work is retried and only counted once its commit returned.
          for (let attempt = 1; ; attempt++) {
            try {
              yield* timeout(
                3_000,
                db.transaction((tx) => insert(tx, id)),
              );
              break;
            } catch (error) {
              const transient =
                error instanceof ConnectionError ||
                error instanceof PostgresError ||
                error instanceof TimeoutError;
              if (!transient || attempt === 3) throw error;
              retried++;
            }
          }
          committed.push(id);
        }
      };
      yield* all([0, 1, 2, 3].map(() => commitSome(5)));

      // Every connection is inside a transaction when its backend is terminated.
      const open = createChannel<void, never>();
      const opened = yield* open;
      const gate = withResolvers<void>();
      const interrupted = [0, 1, 2, 3].map(() => ++next);
      const inFlight = [];
      for (const id of interrupted) {
        inFlight.push(
          yield* spawn(() =>
            caught(
              // postgres.js can leave a statement on a just-terminated connection pending for
              // good; the bound halts it, which replaces its client.
              timeout(
                10_000,
                db.transaction(function* (tx) {
                  yield* insert(tx, id);
                  yield* open.send();
                  yield* gate.operation;
                  yield* tx.query(sql`select 1`);
                }),
              ),
            ),
          ),
        );
      }
      for (let i = 0; i < 4; i++) yield* opened.next();
      const victims = yield* activity(admin, app);
      expect(victims).toHaveLength(4);
      yield* admin.query(
        sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${app}`,
      );
      yield* poll(
        () => activity(admin, app),
        (rows) => rows.length === 0,
      );
      gate.resolve();
      for (const task of inFlight) {
        const error = yield* task;
        expect(
          error instanceof ConnectionError ||
            error instanceof PostgresError ||
            error instanceof TimeoutError,
        ).toBe(true);
      }

      yield* all([0, 1, 2, 3].map(() => commitSome(10)));
      const stored = yield* idsOf(db, table);
      expect(stored).toEqual([...committed].sort((a, b) => a - b));
      expect(stored).toHaveLength(60);
      expect(retried).toBeLessThan(10);
      for (const id of interrupted) expect(stored).not.toContain(id);
      const now = yield* activity(admin, app);
      expect(now.some((row) => victims.some((victim) => victim.pid === row.pid))).toBe(false);
    }, 60_000);

    it("copies rows out and back in with COPY", function* () {
      const { db } = yield* useServer();
      const origin = yield* useTable(db, "copy_src");
      const target = yield* useTable(db, "copy_dst");
      yield* db.query(
        sql`insert into ${sql.id(origin)} select g, 'row ' || g from generate_series(1, 1000) g`,
      );
      const chunks: Uint8Array[] = [];
      for (const chunk of yield* each(db.copyTo(sql`copy ${sql.id(origin)} to stdout`))) {
        chunks.push(chunk);
        yield* each.next();
      }
      const text = Buffer.concat(chunks).toString("utf8");
      expect(text.split("\n")[0]).toBe("1\trow 1");
      const lines = text.split("\n").filter(Boolean);
      let sent = 0;
      const source: Stream<string, void> = {
        *[Symbol.iterator]() {
          return {
            *next(): Operation<IteratorResult<string, void>> {
              const line = lines[sent++];
              return line === undefined
                ? { done: true, value: undefined }
                : { done: false, value: `${line}\n` };
            },
          };
        },
      };
      yield* db.copyFrom(sql`copy ${sql.id(target)} from stdin`, source);
      expect(sent).toBe(1001);
      expect(yield* idsOf(db, target)).toHaveLength(1000);
    });

    it("prepares a template once per connection, never a text built with helpers, and not at all with prepare: false", function* () {
      const statements = function* (db: Db | Transaction) {
        const rows = yield* db.query<{ statement: string }>(
          sql`select statement from pg_prepared_statements where statement like ${"%skein_prep%"}`,
        );
        return rows.map((row) => row.statement).sort();
      };
      const { db } = yield* useServer({ max: 1 });
      for (let i = 0; i < 3; i++) {
        const [row] = yield* db.query<{ skein_prep: number }>(sql`select ${i}::int as skein_prep`);
        expect(row?.skein_prep).toBe(i);
      }
      yield* db.query(sql`select 1 as skein_prep where 1 in ${sql.in([1, 2])}`);
      yield* db.transaction(function* (tx) {
        yield* tx.query(sql`select ${"tx"}::text as skein_prep_tx`);
      });
      expect(yield* statements(db)).toEqual([
        "select $1::int as skein_prep",
        "select $1::text as skein_prep_tx",
      ]);
      const { db: plain } = yield* useServer({ max: 1, prepare: false }, "plain");
      yield* plain.query(sql`select ${1}::int as skein_prep`);
      expect(yield* statements(plain)).toEqual([]);
    });

    it("pipelines queries on a busy connection and sends again the one a halted query's cancel reached", function* () {
      const { db } = yield* useServer({ max: 1 });
      const table = yield* useTable(db, "collateral");
      // Connected and warm, so the next queries are sent at once, one behind the other.
      yield* db.query(sql`select ${0}::int as warm`);
      for (let round = 0; round < 3; round++) {
        const ahead = yield* spawn(() => db.query(sql`select ${round}::int as ahead`));
        const behind = yield* spawn(() =>
          db.query<{ id: number }>(
            sql`insert into ${sql.id(table)} (id) select ${round} from pg_sleep(0.3) returning id`,
          ),
        );
        // The cancel for `ahead` goes out while the server, done with it in microseconds,
        // sleeps in `behind`: that statement is stopped, rolled back and sent again.
        yield* sleep(0);
        yield* ahead.halt();
        const inserted = yield* behind;
        expect(inserted).toEqual([{ id: round }]);
      }
      expect(yield* idsOf(db, table)).toEqual([0, 1, 2]);
      const [row] = yield* db.query<{ ok: number }>(sql`select ${1}::int as ok`);
      expect(row?.ok).toBe(1);
    });

    it("spreads concurrent queries over every connection before pipelining", function* () {
      const { db } = yield* useServer({ max: 4 });
      const rows = yield* all(
        Array.from({ length: 12 }, (_, i) =>
          db.query<{ pid: number }>(sql`select pg_backend_pid() as pid, ${i}::int as i`),
        ),
      );
      expect(new Set(rows.map(([row]) => row?.pid)).size).toBe(4);
    });

    it("halts a query pipelined behind a slow one without disturbing it", function* () {
      const { db: admin } = yield* useServer({}, "admin");
      const { db, app } = yield* useServer({ max: 1 });
      yield* db.query(sql`select ${0}::int as warm`);
      const slow = yield* spawn(() =>
        db.query<{ v: string }>(sql`select ${"slow"}::text as v from pg_sleep(0.3)`),
      );
      const queued = yield* spawn(() => db.query(sql`select pg_sleep(${10})`));
      yield* poll(
        () => activity(admin, app),
        (rows) => rows.some((row) => row.state === "active"),
      );
      const started = performance.now();
      yield* queued.halt();
      // It waited for the slow query ahead of it, then cancelled its own sleep.
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(yield* slow).toEqual([{ v: "slow" }]);
      const [after] = yield* activity(admin, app);
      expect(after?.state).toBe("idle");
    });

    it("gives a prepared statement invalidated inside a transaction a kind, and prepares it again outside one", function* () {
      const { db } = yield* useServer({ max: 1 });
      // A temporary table of the session, read with a template of values only: prepared.
      yield* db.query(sql`create temp table skein_replan (id int)`);
      const read = (on: Db | Transaction) =>
        on.query(sql`select * from skein_replan where id > ${0}`);
      yield* read(db);
      yield* db.query(sql`alter table skein_replan add column extra int`);
      // Outside a transaction the driver prepares the statement again.
      expect([...(yield* read(db))]).toEqual([]);
      const error = yield* caught(
        db.transaction(function* (tx) {
          yield* read(tx);
          yield* tx.query(sql`alter table skein_replan add column more int`);
          yield* read(tx);
        }),
      );
      expect(error).toBeInstanceOf(PostgresError);
      expect([(error as PostgresError).code, (error as PostgresError).kind]).toEqual([
        "0A000",
        "feature_not_supported",
      ]);
    });

    it("hands the notices a statement raises to onNotice", function* () {
      const notices: Notice[] = [];
      const { db } = yield* useServer({ onNotice: (notice) => notices.push(notice) });
      yield* db.query(sql`drop table if exists ${sql.id("never_there")}`);
      yield* db.exec(`do $$ begin raise warning 'careful' using hint = 'look'; end $$`);
      expect(notices).toEqual([
        expect.objectContaining({
          severity: "NOTICE",
          code: "00000",
          message: expect.stringContaining("never_there"),
        }),
        expect.objectContaining({
          severity: "WARNING",
          code: "01000",
          message: "careful",
          hint: "look",
        }),
      ]);
    });

    it("starts every connection with the session settings", function* () {
      const session = { search_path: "skein_nowhere, public", work_mem: "8MB" };
      const { db } = yield* useServer({ max: 3, session });
      const rows = yield* all(
        Array.from({ length: 6 }, () =>
          db.query<{ pid: number; sp: string; wm: string }>(
            sql`select pg_backend_pid() as pid, current_setting('search_path') as sp,
                       current_setting('work_mem') as wm from pg_sleep(${0.05})`,
          ),
        ),
      );
      expect(new Set(rows.map(([row]) => row?.pid)).size).toBe(3);
      for (const [row] of rows) expect([row?.sp, row?.wm]).toEqual([session.search_path, "8MB"]);
    });

    it("names where it connected, never with the password", function* () {
      const { db } = yield* useServer({ password: "hunter2" });
      expect(db.target).toMatch(/^postgres:\/\/[^:@]+@[^/]+:\d+\/\w+$/);
      expect(db.target).not.toContain("hunter2");
    });

    it("connects over a Unix socket named by the URL's host parameter", function* () {
      if (!existsSync("/var/run/postgresql/.s.PGSQL.5432")) return;
      const { db } = yield* useServer({
        url: `postgres://${env.PGUSER ?? "postgres"}@/${env.PGDATABASE ?? "test"}?host=/var/run/postgresql`,
        host: "",
      });
      const [row] = yield* db.query<{ unix: boolean }>(
        sql`select inet_client_addr() is null as unix`,
      );
      expect(row?.unix).toBe(true);
    });

    it("reports a refused connection as a ConnectionError", function* () {
      const db = yield* usePostgres({ host: "127.0.0.1", port: 1, connectTimeout: 2_000 });
      const error = yield* caught(db.query(sql`select 1`));
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as ConnectionError).reason).toBe("ECONNREFUSED");
    });
  });
}

function* scopedPool(app: string, body: (db: Db) => Operation<void>): Operation<void> {
  const task = yield* spawn(function* () {
    const db = yield* usePostgres({ applicationName: app });
    yield* body(db);
  });
  yield* task;
}
