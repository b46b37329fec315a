import { createHash } from "node:crypto";
import { inspect } from "node:util";
import {
  createSignal,
  each,
  ensure,
  type Operation,
  spawn,
  suspend,
  timeout,
  withResolvers,
} from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { type Db, type Fragment, InvalidArgumentError, PostgresError, sql } from "../src/mod.js";

/** A backend the shared suite runs against. */
export interface SuiteBackend {
  name: string;
  /** The database under test, open for the current test's scope. */
  open(): Operation<Db>;
  /** Whether `SET LOCAL statement_timeout` takes effect. */
  statementTimeouts: boolean;
  /** How many rows the plain cursor test streams. */
  cursorRows: number;
}

/** A name unique to this test run, so runs against one server never collide. */
export const RUN = `${process.pid.toString(36)}${Date.now().toString(36)}`;

/**
 * A name for `prefix` in the running test: the same test and prefix give the same name, two
 * tests never share one.
 */
export function nameOf(prefix: string): string {
  const test = expect.getState().currentTestName ?? "";
  const hash = createHash("sha1").update(test).digest("hex").slice(0, 10);
  return `skein_${prefix}_${RUN}_${hash}`;
}

/**
 * Create a fresh `(id int primary key, v text)` table, dropped when the test ends. Within one
 * test, each table needs its own `prefix`.
 */
export function* useTable(db: Db, prefix = "t"): Operation<string> {
  const name = nameOf(prefix);
  yield* db.query(sql`create table ${sql.id(name)} (id int primary key, v text)`);
  yield* ensure(() => db.query(sql`drop table if exists ${sql.id(name)}`));
  return name;
}

/** The rows of `table`, ordered by id. */
export function* idsOf(db: Db, table: string): Operation<number[]> {
  const rows = yield* db.query<{ id: number }>(sql`select id from ${sql.id(table)} order by id`);
  return rows.map((row) => row.id);
}

/** Run `operation` and return what it threw; fails when it does not throw. */
export function* caught(operation: Operation<unknown>): Operation<unknown> {
  try {
    yield* operation;
  } catch (error) {
    return error;
  }
  throw new Error("expected the operation to throw");
}

const failSerialization = sql`do $$ begin raise exception 'retry me' using errcode = '40001'; end $$`;

/**
 * The behaviour every backend must show, run once per backend.
 *
 * @param backend - how to open the database under test
 */
export function describeDb(backend: SuiteBackend): void {
  describe(`Db on ${backend.name}`, () => {
    it("returns typed rows for a parameterized query", function* () {
      const db = yield* backend.open();
      const rows = yield* db.query<{ n: number; s: string }>(
        sql`select ${41}::int + 1 as n, ${"it's"}::text as s`,
      );
      expect(rows).toEqual([{ n: 42, s: "it's" }]);
    });

    it("maps every type of the documented table to the same JavaScript value", function* () {
      const db = yield* backend.open();
      const big = "9223372036854775807";
      const cases: [string, Fragment, unknown][] = [
        ["int2", sql`select 7::int2 as v`, 7],
        ["int4", sql`select ${-7}::int4 as v`, -7],
        ["int8", sql`select 1::int8 as v`, "1"],
        ["int8 past 2^53", sql`select ${big}::int8 as v`, big],
        ["count(*)", sql`select count(*) as v from generate_series(1, 3)`, "3"],
        ["int8[]", sql`select array[1, null, ${big}]::int8[] as v`, ["1", null, big]],
        [
          "int4[]",
          sql`select array[[1, null], [null, 2]]::int4[] as v`,
          [
            [1, null],
            [null, 2],
          ],
        ],
        [
          "text[]",
          sql`select array['a"b', null, 'NULL', '']::text[] as v`,
          ['a"b', null, "NULL", ""],
        ],
        ["float8", sql`select 1.5::float8 as v`, 1.5],
        ["numeric", sql`select 1.10::numeric as v`, "1.10"],
        ["bool", sql`select ${true}::bool as v`, true],
        ["text", sql`select ${"it's"}::text as v`, "it's"],
        [
          "uuid",
          sql`select '00000000-0000-0000-0000-000000000001'::uuid as v`,
          "00000000-0000-0000-0000-000000000001",
        ],
        ["date", sql`select '2024-01-02'::date as v`, new Date("2024-01-02T00:00:00Z")],
        [
          "timestamptz",
          sql`select '2024-01-02 03:04:05+02'::timestamptz as v`,
          new Date("2024-01-02T01:04:05Z"),
        ],
        ["interval", sql`select '1 day 2 hours'::interval as v`, "1 day 02:00:00"],
        ["json", sql`select '{"a":[1,2]}'::json as v`, { a: [1, 2] }],
        ["jsonb", sql`select ${JSON.stringify({ b: null })}::jsonb as v`, { b: null }],
        ["jsonb object parameter", sql`select ${{ a: [1, "x"] }}::jsonb as v`, { a: [1, "x"] }],
        ["bytea", sql`select '\\x00ff'::bytea as v`, new Uint8Array([0, 255])],
        [
          "bytea parameter",
          sql`select ${new Uint8Array([1, 2])}::bytea as v`,
          new Uint8Array([1, 2]),
        ],
        ["null", sql`select null::text as v`, null],
      ];
      for (const [name, query, expected] of cases) {
        const [row] = yield* db.query<{ v: unknown }>(query);
        expect({ name, v: row?.v }).toEqual({ name, v: expected });
        if (expected instanceof Uint8Array)
          expect(Object.getPrototypeOf(row?.v)).toBe(Uint8Array.prototype);
      }
      // Every value serializes: no bigint reaches the caller.
      const rows = yield* db.query(sql`select ${big}::int8 as v, array[${big}::int8] as w`);
      expect(JSON.parse(JSON.stringify(rows))).toEqual([{ v: big, w: [big] }]);
    });

    it("returns the same result shape, with a typed command and rowCount, for every kind of statement", function* () {
      const db = yield* backend.open();
      const table = nameOf("shape");
      const created = yield* db.query(
        sql`create table ${sql.id(table)} (id int primary key, v text)`,
      );
      yield* ensure(() => db.query(sql`drop table if exists ${sql.id(table)}`));
      expect([created.command, created.rowCount, [...created]]).toEqual(["CREATE", null, []]);
      const inserted = yield* db.query(
        sql`insert into ${sql.id(table)} ${sql.values([{ id: 1 }, { id: 2 }, { id: 3 }], ["id"])}`,
      );
      expect([inserted.command, inserted.rowCount]).toEqual(["INSERT", 3]);
      const updated = yield* db.query(sql`update ${sql.id(table)} set v = ${"x"} where id > ${1}`);
      expect([updated.command, updated.rowCount, updated.length]).toEqual(["UPDATE", 2, 0]);
      const returned = yield* db.query<{ id: number }>(
        sql`delete from ${sql.id(table)} where id = ${3} returning id`,
      );
      expect([returned.command, returned.rowCount, [...returned]]).toEqual([
        "DELETE",
        1,
        [{ id: 3 }],
      ]);
      const selected = yield* db.query(sql`select id from ${sql.id(table)} order by id`);
      expect([selected.command, selected.rowCount]).toEqual(["SELECT", 2]);
      // It behaves as a plain array everywhere a caller would look.
      expect(Array.isArray(selected)).toBe(true);
      expect(selected).toStrictEqual([{ id: 1 }, { id: 2 }]);
      expect(Object.keys(selected)).toEqual(["0", "1"]);
      expect(JSON.stringify(selected)).toBe('[{"id":1},{"id":2}]');
      expect(inspect(selected)).toBe("[ { id: 1 }, { id: 2 } ]");
      expect(Object.getPrototypeOf(structuredClone(selected))).toBe(Array.prototype);
      for (const derived of [
        selected.map((row) => row),
        selected.slice(),
        selected.filter(Boolean),
      ])
        expect(Object.getPrototypeOf(derived)).toBe(Array.prototype);
      expect(() => {
        (selected as { command: string }).command = "X";
      }).toThrow(TypeError);
      const none = yield* db.query(sql`delete from ${sql.id(table)} where id = ${99}`);
      expect([none.command, none.rowCount]).toEqual(["DELETE", 0]);
      const inTx = yield* db.transaction((tx) =>
        tx.query(sql`update ${sql.id(table)} set v = ${"y"}`),
      );
      expect([inTx.command, inTx.rowCount]).toEqual(["UPDATE", 2]);
    });

    it("sends a bigint past int8, arrays of bigints and bigints in JSON the same on both backends", function* () {
      const db = yield* backend.open();
      const huge = 2n ** 70n;
      const [row] = yield* db.query<{ n: string; a: string[]; nested: string[][]; j: unknown }>(
        sql`select ${huge}::numeric as n, ${[1n, -(2n ** 62n)]}::int8[] as a, ${[[huge]]}::numeric[] as nested, ${{ id: 7n }}::jsonb as j`,
      );
      expect(row).toEqual({
        n: huge.toString(),
        a: ["1", (-(2n ** 62n)).toString()],
        nested: [[huge.toString()]],
        // JSON has no bigint: inside a JSON parameter it is its decimal string, as PGlite has it.
        j: { id: "7" },
      });
      const failed = yield* caught(db.query(sql`select ${huge}::int8 as v`));
      expect(failed).toBeInstanceOf(PostgresError);
      expect((failed as PostgresError).code).toBe("22003");
    });

    it("refuses a parameter no backend can send with a typed error naming its position", function* () {
      const db = yield* backend.open();
      const cases: [string, () => Fragment, string][] = [
        ["undefined", () => sql`select ${1}, ${undefined}`, "$2 is undefined"],
        ["symbol", () => sql`select ${Symbol("s")}`, "$1 is a symbol"],
        ["function", () => sql`select ${() => 1}`, "$1 is a function"],
        ["invalid Date", () => sql`select ${new Date(Number.NaN)}`, "$1 is an invalid Date"],
        [
          "undefined in an array",
          () => sql`select ${[[1], [2, undefined]]}`,
          "$1 holds undefined at [1][1]",
        ],
        [
          "a missing row value",
          () => sql`select * from t where a in ${sql.in([1, undefined])}`,
          "$2 is undefined",
        ],
        [
          "more than 65,533 parameters",
          () => sql`select 1 where 1 in ${sql.in(Array.from({ length: 65_534 }, (_, i) => i))}`,
          "at most 65533 parameters",
        ],
      ];
      for (const [name, build, message] of cases) {
        // Refused as the statement is compiled, when query() is called.
        const error = yield* caught({
          *[Symbol.iterator]() {
            yield* db.query(build());
          },
        });
        expect({
          name,
          type: error?.constructor.name,
          code: (error as { code?: string }).code,
        }).toEqual({ name, type: "InvalidArgumentError", code: "PG_INVALID_ARGUMENT" });
        expect((error as Error).message).toContain(message);
      }
      // The connection is fine afterwards, and the largest statement the limit allows runs.
      const ids = Array.from({ length: 65_533 }, (_, i) => i);
      const [count] = yield* db.query<{ n: number }>(
        sql`select count(*)::int as n from unnest(array[${sql.join(ids.map((id) => sql`${id}`))}]::int[])`,
      );
      expect(count?.n).toBe(65_533);
    });

    it("inserts with sql.values and reads back with sql.in", function* () {
      const db = yield* backend.open();
      const table = yield* useTable(db);
      const rows = [1, 2, 3, 4].map((id) => ({ id, v: `v${id}` }));
      yield* db.query(sql`insert into ${sql.id(table)} ${sql.values(rows, ["id", "v"])}`);
      const found = yield* db.query<{ v: string }>(
        sql`select v from ${sql.id(table)} where id in ${sql.in([2, 4])} order by id`,
      );
      expect(found.map((row) => row.v)).toEqual(["v2", "v4"]);
    });

    it("reports a unique violation as a PostgresError with its SQLSTATE and constraint", function* () {
      const db = yield* backend.open();
      const table = yield* useTable(db);
      yield* db.query(sql`insert into ${sql.id(table)} (id) values (${1})`);
      const error = yield* caught(db.query(sql`insert into ${sql.id(table)} (id) values (${1})`));
      expect(error).toBeInstanceOf(PostgresError);
      const failure = error as PostgresError;
      expect(failure.code).toBe("23505");
      expect(failure.kind).toBe("unique_violation");
      expect(failure.constraint).toBe(`${table}_pkey`);
      expect(failure.detail).toContain("(id)=(1)");
      expect(failure.query).toContain("values ($1)");
    });

    it("runs a trusted multi-statement script with exec(), all or nothing", function* () {
      const db = yield* backend.open();
      const table = nameOf("script");
      const fn = nameOf("script_fn");
      yield* ensure(() => db.query(sql`drop table if exists ${sql.id(table)}`));
      yield* ensure(() => db.query(sql`drop function if exists ${sql.id(fn)}()`));
      yield* db.exec(`
        create table "${table}" (id int primary key);
        insert into "${table}" values (1), (2);
        create function "${fn}"() returns int language plpgsql as $$ begin return 7; end; $$;
      `);
      expect(yield* idsOf(db, table)).toEqual([1, 2]);
      const [row] = yield* db.query<{ v: number }>(sql`select ${sql.id(fn)}() as v`);
      expect(row?.v).toBe(7);
      const error = yield* caught(
        db.exec(`insert into "${table}" values (3); insert into "${table}" values (1);`),
      );
      expect((error as PostgresError).kind).toBe("unique_violation");
      expect(yield* idsOf(db, table)).toEqual([1, 2]);
      const undone = yield* caught(
        db.transaction(function* (tx) {
          yield* tx.exec(`insert into "${table}" values (4); insert into "${table}" values (5);`);
          throw new Error("undo");
        }),
      );
      expect((undone as Error).message).toBe("undo");
      expect(yield* idsOf(db, table)).toEqual([1, 2]);
      expect(() => db.exec("  ")).toThrow(InvalidArgumentError);
    });

    it("commits a transaction whose body returns", function* () {
      const db = yield* backend.open();
      const table = yield* useTable(db);
      const value = yield* db.transaction(function* (tx) {
        yield* tx.query(sql`insert into ${sql.id(table)} (id) values (${1})`);
        return "done";
      });
      expect(value).toBe("done");
      expect(yield* idsOf(db, table)).toEqual([1]);
    });

    it("rolls a transaction back when its body throws", function* () {
      const db = yield* backend.open();
      const table = yield* useTable(db);
      const error = yield* caught(
        db.transaction(function* (tx) {
          yield* tx.query(sql`insert into ${sql.id(table)} (id) values (${1})`);
          throw new Error("boom");
        }),
      );
      expect((error as Error).message).toBe("boom");
      expect(yield* idsOf(db, table)).toEqual([]);
    });

    it("leaves no row when a transaction is halted", function* () {
      const db = yield* backend.open();
      const table = yield* useTable(db);
      const inserted = withResolvers<void>();
      const task = yield* spawn(() =>
        db.transaction(function* (tx) {
          yield* tx.query(sql`insert into ${sql.id(table)} (id) values (${1})`);
          inserted.resolve();
          yield* suspend();
        }),
      );
      yield* inserted.operation;
      yield* task.halt();
      expect(yield* idsOf(db, table)).toEqual([]);
      // The connection went back clean: a new transaction works on it.
      yield* db.transaction(function* (tx) {
        yield* tx.query(sql`insert into ${sql.id(table)} (id) values (${2})`);
      });
      expect(yield* idsOf(db, table)).toEqual([2]);
    });

    it("rolls back to the savepoint of a failed nested transaction and keeps the rest", function* () {
      const db = yield* backend.open();
      const table = yield* useTable(db);
      yield* db.transaction(function* (tx) {
        yield* tx.query(sql`insert into ${sql.id(table)} (id) values (${1})`);
        const error = yield* caught(
          tx.transaction(function* (inner) {
            yield* inner.query(sql`insert into ${sql.id(table)} (id) values (${2})`);
            yield* inner.query(sql`insert into ${sql.id(table)} (id) values (${1})`);
          }),
        );
        expect((error as PostgresError).kind).toBe("unique_violation");
        yield* tx.transaction(function* (inner) {
          yield* inner.query(sql`insert into ${sql.id(table)} (id) values (${3})`);
        });
      });
      expect(yield* idsOf(db, table)).toEqual([1, 3]);
    });

    it("retries a serialization failure only when asked to", function* () {
      const db = yield* backend.open();
      let attempts = 0;
      const body = function* (tx: Parameters<Parameters<Db["transaction"]>[0]>[0]) {
        attempts++;
        if (attempts === 1) yield* tx.query(failSerialization);
        return attempts;
      };
      const error = yield* caught(db.transaction(body, { isolation: "serializable" }));
      expect((error as PostgresError).kind).toBe("serialization_failure");
      attempts = 0;
      const result = yield* db.transaction(body, {
        isolation: "serializable",
        retrySerialization: 3,
      });
      expect(result).toBe(2);
    });

    it("runs a read-only transaction that refuses writes", function* () {
      const db = yield* backend.open();
      const table = yield* useTable(db);
      const error = yield* caught(
        db.transaction(
          function* (tx) {
            yield* tx.query(sql`insert into ${sql.id(table)} (id) values (${1})`);
          },
          { readOnly: true },
        ),
      );
      expect((error as PostgresError).code).toBe("25006");
    });

    it("streams rows through a cursor in batches", function* () {
      const db = yield* backend.open();
      let count = 0;
      let sum = 0;
      for (const row of yield* each(
        db.cursor<{ g: number }>(sql`select g from generate_series(1, ${backend.cursorRows}) g`, {
          batch: 500,
        }),
      )) {
        count++;
        sum += row.g;
        yield* each.next();
      }
      expect(count).toBe(backend.cursorRows);
      expect(sum).toBe((backend.cursorRows * (backend.cursorRows + 1)) / 2);
    });

    it("frees the connection when a cursor is abandoned early", function* () {
      const db = yield* backend.open();
      let seen = 0;
      for (const _ of yield* each(db.cursor(sql`select g from generate_series(1, 100000) g`))) {
        if (++seen === 150) break;
        yield* each.next();
      }
      expect(seen).toBe(150);
      const [row] = yield* db.query<{ ok: number }>(sql`select 1 as ok`);
      expect(row?.ok).toBe(1);
    });

    it("streams a cursor inside a transaction", function* () {
      const db = yield* backend.open();
      const ids = yield* db.transaction(function* (tx) {
        const seen: number[] = [];
        for (const row of yield* each(
          tx.cursor<{ g: number }>(sql`select g from generate_series(1, ${25}) g`, { batch: 10 }),
        )) {
          seen.push(row.g);
          yield* each.next();
        }
        return seen;
      });
      expect(ids).toHaveLength(25);
      expect(ids.at(-1)).toBe(25);
    });

    it("delivers notifications to a listener", function* () {
      const db = yield* backend.open();
      const channel = `skein_${RUN}_news`;
      const subscription = yield* db.listen(channel);
      yield* db.notify(channel, "first");
      yield* db.notify(channel, "second");
      expect(yield* subscription.next()).toEqual({ done: false, value: "first" });
      expect(yield* subscription.next()).toEqual({ done: false, value: "second" });
    });

    it("quotes hostile and mixed-case channel names: each gets its own notifications and none runs as SQL", function* () {
      const db = yield* backend.open();
      const pwned = `pwned_${RUN}`;
      const names = [
        `Jobs_${RUN}`,
        `jobs_${RUN}`,
        `jobs-queue-${RUN}`,
        `order.created.${RUN}`,
        `x; create table ${pwned}(); --`,
        `a"b ${RUN}`,
        "constructor",
        `ünï ${RUN}`,
      ];
      const subscriptions = [];
      for (const name of names) subscriptions.push(yield* db.listen(name));
      for (const name of names) yield* db.notify(name, `to ${name}`);
      for (const [index, subscription] of subscriptions.entries()) {
        expect(yield* subscription.next()).toEqual({ done: false, value: `to ${names[index]}` });
      }
      // Nothing else was delivered to any of them: a marker sent last to each arrives next.
      for (const name of names) yield* db.notify(name, "end");
      for (const subscription of subscriptions) {
        expect(yield* subscription.next()).toEqual({ done: false, value: "end" });
      }
      const [found] = yield* db.query<{ table: string | null }>(
        sql`select to_regclass(${pwned})::text as table`,
      );
      expect(found?.table).toBeNull();
    });

    it("refuses a notification payload that is not a string and a transaction body that is not a function", function* () {
      const db = yield* backend.open();
      const refusals = [
        () => db.notify("jobs", { id: 1 } as unknown as string),
        () => db.transaction(null as unknown as () => Operation<void>),
        () =>
          db.transaction((tx) => tx.transaction("select 1" as unknown as () => Operation<void>)),
      ];
      for (const refuse of refusals) {
        const error = yield* caught({
          *[Symbol.iterator]() {
            yield* refuse();
          },
        });
        expect(error).toBeInstanceOf(InvalidArgumentError);
      }
      // Nothing was left open: a transaction still runs.
      expect(yield* db.transaction((tx) => tx.query(sql`select 1 as one`))).toEqual([{ one: 1 }]);
    });

    it("rejects a channel name with a NUL byte or longer than 63 bytes before it reaches the server", function* () {
      const db = yield* backend.open();
      for (const name of ["a\0b", "x".repeat(64), "é".repeat(32)]) {
        expect(() => db.listen(name)).toThrow(InvalidArgumentError);
        expect(() => db.notify(name, "")).toThrow(InvalidArgumentError);
      }
    });

    it("hands a listener's payloads to a worker loop", function* () {
      const db = yield* backend.open();
      const channel = `skein_${RUN}_jobs`;
      const seen = createSignal<string, never>();
      const results = yield* seen;
      const listening = withResolvers<void>();
      yield* spawn(function* () {
        const jobs = yield* db.listen(channel);
        listening.resolve();
        for (;;) {
          const job = yield* jobs.next();
          if (!job.done) seen.send(job.value.toUpperCase());
        }
      });
      yield* listening.operation;
      yield* db.notify(channel, "resize");
      expect(yield* results.next()).toEqual({ done: false, value: "RESIZE" });
    });

    it("sets the time left before the deadline as the transaction's statement timeout", function* () {
      if (!backend.statementTimeouts) return;
      const db = yield* backend.open();
      const setting = yield* timeout(
        5_000,
        db.transaction(function* (tx) {
          const [row] = yield* tx.query<{ statement_timeout: string }>(sql`show statement_timeout`);
          return row?.statement_timeout ?? "";
        }),
      );
      const ms = Number.parseInt(setting, 10) * (setting.endsWith("ms") ? 1 : 1000);
      expect(ms).toBeGreaterThan(3_000);
      expect(ms).toBeLessThanOrEqual(5_000);
    });

    it("reports its connections as busy while a transaction holds one, and idle again after", function* () {
      const db = yield* backend.open();
      const before = db.stats();
      expect(before.idle).toBe(before.size);
      expect([before.busy, before.waiting]).toEqual([0, 0]);
      const held = withResolvers<void>();
      const release = withResolvers<void>();
      const holder = yield* spawn(() =>
        db.transaction(function* () {
          held.resolve();
          yield* release.operation;
        }),
      );
      yield* held.operation;
      expect(db.stats()).toEqual({ ...before, idle: before.size - 1, busy: 1 });
      release.resolve();
      yield* holder;
      expect(db.stats()).toEqual(before);
    });

    it("halting a waiting query leaves the database usable", function* () {
      const db = yield* backend.open();
      const task = yield* spawn(() => db.query(sql`select pg_sleep(0.2)`));
      yield* task.halt();
      const [row] = yield* db.query<{ ok: number }>(sql`select 2 as ok`);
      expect(row?.ok).toBe(2);
    });
  });
}
