import { type Operation, scoped } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { serverConfigured } from "../test/server.js";
import {
  createResult,
  type Db,
  PostgresApi,
  type QueryEvent,
  sql,
  usePglite,
  usePostgres,
} from "./mod.js";

const backends: { name: string; open: () => Operation<Db>; enabled: boolean }[] = [
  { name: "PGlite", open: () => usePglite(), enabled: true },
  { name: "a server", open: () => usePostgres({ max: 2 }), enabled: serverConfigured },
];

for (const backend of backends) {
  describe.runIf(backend.enabled)(`PostgresApi on ${backend.name}`, () => {
    it("shows middleware every query and exec of its scope, in transactions too, and nothing of its parent's", function* () {
      const db = yield* backend.open();
      const seen: QueryEvent[] = [];
      yield* scoped(function* () {
        yield* PostgresApi.around({
          *query([event, run], next) {
            seen.push(event);
            return yield* next(event, run);
          },
        });
        const [row] = yield* db.query<{ n: number }>(sql`select ${41}::int + 1 as n`);
        expect(row?.n).toBe(42);
        yield* db.exec("select 1; select 2");
        yield* db.transaction(function* (tx) {
          yield* tx.query(sql`select ${"in tx"}::text as s`);
        });
      });
      yield* db.query(sql`select ${"outside"}::text as s`);
      expect(seen.map(({ text, params, script }) => ({ text, params, script }))).toEqual([
        { text: "select $1::int + 1 as n", params: [41], script: false },
        { text: "select 1; select 2", params: [], script: true },
        { text: "select $1::text as s", params: ["in tx"], script: false },
      ]);
      expect(seen[0]).toMatchObject({ backend: db.backend, target: db.target });
    });

    it("lets middleware answer in place of the database", function* () {
      const db = yield* backend.open();
      yield* PostgresApi.around({
        *query([event, run], next) {
          if (event.text.includes("from accounts")) {
            return createResult([{ id: 7, balance: "10.00" }], "SELECT", 1);
          }
          return yield* next(event, run);
        },
      });
      // There is no accounts table: the answer can only come from the middleware.
      const rows = yield* db.query<{ id: number }>(sql`select id, balance from accounts`);
      expect([...rows]).toEqual([{ id: 7, balance: "10.00" }]);
      expect([rows.command, rows.rowCount]).toEqual(["SELECT", 1]);
      const [real] = yield* db.query<{ one: number }>(sql`select ${1}::int as one`);
      expect(real?.one).toBe(1);
    });
  });
}
