import { type Operation, spawn, withResolvers } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { caught } from "../test/suite.js";
import {
  type Db,
  InvalidArgumentError,
  Postgres,
  PostgresError,
  type PostgresQuery,
  type Result,
  type Row,
  sql,
  usePglite,
  usePostgres,
} from "./mod.js";

const configured = Boolean(process.env.DATABASE_URL ?? process.env.PGHOST);

const BACKENDS: { name: string; open: () => Operation<Db> }[] = [
  { name: "PGlite", open: () => usePglite() },
  ...(configured ? [{ name: "a server", open: () => usePostgres({ max: 2 }) }] : []),
];

interface Entry {
  text: string;
  params: readonly unknown[];
  inTransaction: boolean;
  rowCount?: number | null;
  error?: string;
}

/** Query log middleware, as the README shows it, writing to `log`. */
function logTo(log: Entry[], tag = "") {
  return {
    *query(
      [query]: [PostgresQuery],
      next: (query: PostgresQuery) => Operation<Result<Row>>,
    ): Operation<Result<Row>> {
      const entry: Entry = {
        text: `${tag}${query.text}`,
        params: query.params,
        inTransaction: query.inTransaction,
      };
      log.push(entry);
      try {
        const result = yield* next(query);
        entry.rowCount = result.rowCount;
        return result;
      } catch (error) {
        entry.error = error instanceof PostgresError ? error.code : String(error);
        throw error;
      }
    },
  };
}

for (const backend of BACKENDS) {
  describe(`the Postgres API on ${backend.name}`, () => {
    it("shows middleware every statement with its text, params, row count or error", function* () {
      const db = yield* backend.open();
      const log: Entry[] = [];
      yield* Postgres.around(logTo(log));
      yield* db.query(sql`select g from generate_series(1, ${3}::int) g`);
      const failed = yield* caught(db.query(sql`select * from no_such_table_x`));
      expect(failed).toBeInstanceOf(PostgresError);
      yield* db.transaction((tx) => tx.query(sql`select ${"a"}::text as v`));
      expect(log).toEqual([
        {
          text: "select g from generate_series(1, $1::int) g",
          params: [3],
          inTransaction: false,
          rowCount: 3,
        },
        { text: "select * from no_such_table_x", params: [], inTransaction: false, error: "42P01" },
        { text: "begin", params: [], inTransaction: true, rowCount: null },
        { text: "select $1::text as v", params: ["a"], inTransaction: true, rowCount: 1 },
        { text: "commit", params: [], inTransaction: true, rowCount: null },
      ]);
    });

    it("applies a parent's middleware to child tasks, also ones that existed before, once per statement", function* () {
      const db = yield* backend.open();
      const log: Entry[] = [];
      const go = withResolvers<void>();
      const early = yield* spawn(function* () {
        yield* go.operation;
        return yield* db.query(sql`select ${1}::int as n`);
      });
      yield* Postgres.around(logTo(log, "parent: "));
      const late = yield* spawn(function* () {
        yield* Postgres.around(logTo(log, "child: "));
        return yield* db.query(sql`select ${2}::int as n`);
      });
      go.resolve();
      expect([...(yield* early)]).toEqual([{ n: 1 }]);
      expect([...(yield* late)]).toEqual([{ n: 2 }]);
      expect(log.map((entry) => entry.text).sort()).toEqual([
        "child: select $1::int as n",
        "parent: select $1::int as n",
        "parent: select $1::int as n",
      ]);
      expect(log.filter((entry) => entry.params[0] === 2).map((entry) => entry.text)).toEqual([
        "parent: select $1::int as n",
        "child: select $1::int as n",
      ]);
    });

    it("lets a test mock a result, and change the statement sent", function* () {
      const db = yield* backend.open();
      yield* Postgres.around({
        *query([query], next) {
          if (query.text.includes("from users")) {
            return Object.assign([{ id: 7, name: "ada" }], { command: "SELECT", rowCount: 1 });
          }
          if (query.text === "select $1::int as n") {
            return yield* next({ ...query, text: "select $1::int + 1 as n" });
          }
          return yield* next(query);
        },
      });
      const users = yield* db.query<{ id: number; name: string }>(sql`select * from users`);
      expect([users.command, users.rowCount, [...users]]).toEqual([
        "SELECT",
        1,
        [{ id: 7, name: "ada" }],
      ]);
      const [row] = yield* db.query<{ n: number }>(sql`select ${41}::int as n`);
      expect(row).toEqual({ n: 42 });
    });

    it("rejects a query that Skein did not hand to the middleware", function* () {
      const db = yield* backend.open();
      yield* Postgres.around({
        *query(_args, next) {
          return yield* next({
            text: "select 1",
            params: [],
            backend: "pglite",
            target: "x",
            inTransaction: false,
          });
        },
      });
      expect(yield* caught(db.query(sql`select 1`))).toBeInstanceOf(InvalidArgumentError);
    });
  });
}

if (configured) {
  describe("the Postgres API on a server", () => {
    it("still cancels a halted statement on the server, with the middleware unwound", function* () {
      const app = `skein_api_halt_${process.pid}`;
      const db = yield* usePostgres({ max: 1, applicationName: app });
      const admin = yield* usePostgres({ max: 1 });
      const unwound = withResolvers<void>();
      const started = withResolvers<void>();
      yield* Postgres.around({
        *query([query], next) {
          if (!query.text.includes("pg_sleep")) return yield* next(query);
          started.resolve();
          try {
            return yield* next(query);
          } finally {
            unwound.resolve();
          }
        },
      });
      const sleeper = yield* spawn(() => db.query(sql`select pg_sleep(60)`));
      yield* started.operation;
      const active = sql`select count(*)::int as n from pg_stat_activity
        where application_name = ${app} and state = 'active' and query like '%pg_sleep%'`;
      // Wait until the statement runs on the server: each round is a query to the server.
      for (;;) {
        const [row] = yield* admin.query<{ n: number }>(active);
        if (row?.n === 1) break;
      }
      yield* sleeper.halt();
      yield* unwound.operation;
      const [after] = yield* admin.query<{ n: number }>(active);
      expect(after?.n).toBe(0);
      // The connection the halt left behind answers the next statement.
      const [one] = yield* db.query<{ one: number }>(sql`select 1 as one`);
      expect(one?.one).toBe(1);
    });
  });
}
