import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { each, type Operation, run, scoped } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { afterAll, beforeAll, expect } from "vitest";
import { caught, RUN } from "../test/suite.js";
import {
  CustomTypeError,
  type CustomTypes,
  type Db,
  InvalidArgumentError,
  sql,
  usePglite,
  usePostgres,
} from "./mod.js";

/** A decimal number kept exact, as a decimal library would: enough to see the codec used. */
class Decimal {
  constructor(readonly digits: string) {}
  plus(other: Decimal): Decimal {
    // Exact for the test's values: two places at most.
    const cents = Math.round(Number(this.digits) * 100) + Math.round(Number(other.digits) * 100);
    return new Decimal((cents / 100).toFixed(2));
  }
}

const decimal = {
  parse: (text: string) => new Decimal(text),
  is: (value: unknown): value is Decimal => value instanceof Decimal,
  serialize: (value: Decimal) => value.digits,
};

/** The names of the user types the tests look up, made once per backend. */
interface Names {
  mood: string;
  label: string;
  pair: string;
  table: string;
}

/** A backend: how to make its user types and how to open it with the `types` option. */
interface TypedBackend {
  name: string;
  names: Names;
  setUp(script: string): Promise<void>;
  open(types: CustomTypes): Operation<Db>;
  tearDown(script: string): Promise<void>;
}

const schemaOf = (n: Names) => `
  create type ${n.mood} as enum ('sad', 'ok', 'so "so"', 'a,b');
  create domain ${n.label} as text check (value <> '');
  create type ${n.pair} as (a int, b text);
  create table ${n.table} (id int primary key, price numeric, mood ${n.mood});
`;

const dropOf = (n: Names) => `
  drop table if exists ${n.table};
  drop type if exists ${n.pair};
  drop domain if exists ${n.label};
  drop type if exists ${n.mood};
`;

function describeCustomTypes(backend: TypedBackend): void {
  const { mood, label, pair, table } = backend.names;

  describe(`the types option on ${backend.name}`, () => {
    beforeAll(() => backend.setUp(schemaOf(backend.names)), 60_000);
    afterAll(() => backend.tearDown(dropOf(backend.names)), 60_000);

    it("parses numeric into a Decimal, arrays element by element, and leaves NULL as null", function* () {
      const db = yield* backend.open({ numeric: decimal });
      const [row] = yield* db.query(
        sql`select 1.10::numeric as v, null::numeric as n,
          array[1.5, null, -2]::numeric[] as a, array[[1, 2], [3, 4]]::numeric[] as m,
          '{}'::numeric[] as e, 7::int4 as i`,
      );
      expect(row).toEqual({
        v: new Decimal("1.10"),
        n: null,
        a: [new Decimal("1.5"), null, new Decimal("-2")],
        m: [
          [new Decimal("1"), new Decimal("2")],
          [new Decimal("3"), new Decimal("4")],
        ],
        e: [],
        i: 7,
      });
      expect(row?.v).toBeInstanceOf(Decimal);
    });

    it("parses an enum, an array of it and a composite, named by type", function* () {
      const db = yield* backend.open({
        [mood]: { parse: (text: string) => ({ mood: text }) },
        [pair]: { parse: (text: string) => `pair ${text}` },
      });
      const [row] = yield* db.query(
        sql`select 'ok'::${sql.id(mood)} as m, null::${sql.id(mood)} as none,
          array['sad', null, 'so "so"', 'a,b']::${sql.id(mood)}[] as ms,
          row(1, 'x y')::${sql.id(pair)} as p`,
      );
      expect(row).toEqual({
        m: { mood: "ok" },
        none: null,
        ms: [{ mood: "sad" }, null, { mood: 'so "so"' }, { mood: "a,b" }],
        p: 'pair (1,"x y")',
      });
    });

    it("gives a parser for a type the driver parses itself the text Postgres sent", function* () {
      const db = yield* backend.open({
        int4: { parse: (text: string) => `int ${text}` },
        timestamptz: { parse: (text: string) => text.slice(0, 10) },
      });
      const [row] = yield* db.query(
        sql`select 7::int4 as i, array[1, null]::int4[] as a,
          '2024-01-02 03:04:05+00'::timestamptz at time zone 'UTC' as plain,
          ${"2024-01-02 03:04:05+00"}::timestamptz as t, 2::int8 as big`,
      );
      expect(row).toEqual({
        i: "int 7",
        a: ["int 1", null],
        plain: new Date("2024-01-02T03:04:05Z"),
        t: "2024-01-02",
        big: "2",
      });
    });

    it("sends parameters through a serializer and reads them back, in queries, transactions and cursors", function* () {
      const db = yield* backend.open({ numeric: decimal, [mood]: { parse: (t: string) => t } });
      const prices = [new Decimal("1.25"), new Decimal("2.50")];
      yield* db.query(
        sql`insert into ${sql.id(table)} (id, price, mood) values (1, ${prices[0]}, 'ok'), (2, ${prices[1]}, null)`,
      );
      const [sum] = yield* db.query<{ total: Decimal }>(
        sql`select sum(price) as total from ${sql.id(table)} where price = any(${prices}::numeric[])`,
      );
      expect(sum?.total).toEqual((prices[0] as Decimal).plus(prices[1] as Decimal));
      const inTransaction = yield* db.transaction(function* (tx) {
        return yield* tx.query(sql`select ${new Decimal("0.10")}::numeric * 3 as v`);
      });
      expect(inTransaction).toEqual([{ v: new Decimal("0.30") }]);
      const streamed: unknown[] = [];
      for (const row of yield* each(
        db.cursor(sql`select price, mood from ${sql.id(table)} order by id`, { batch: 1 }),
      )) {
        streamed.push(row);
        yield* each.next();
      }
      expect(streamed).toEqual([
        { price: new Decimal("1.25"), mood: "ok" },
        { price: new Decimal("2.50"), mood: null },
      ]);
      yield* db.query(sql`delete from ${sql.id(table)}`);
    });

    it("fails the query with PG_TYPE_PARSE, naming the column and wrapping the cause, when a parser throws", function* () {
      const db = yield* backend.open({
        numeric: {
          parse: (text: string) => {
            if (text.includes(".")) throw new RangeError(`not whole: ${text}`);
            return Number(text);
          },
        },
      });
      expect(yield* db.query(sql`select 3::numeric as whole`)).toEqual([{ whole: 3 }]);
      const error = yield* caught(db.query(sql`select 1::numeric as ok, 1.5::numeric as price`));
      expect(error).toBeInstanceOf(CustomTypeError);
      expect(error).toMatchObject({
        code: "PG_TYPE_PARSE",
        type: "numeric",
        column: "price",
        value: "1.5",
      });
      expect((error as Error).cause).toBeInstanceOf(RangeError);
      const inArray = yield* caught(db.query(sql`select array[1, 2.5]::numeric[] as xs`));
      expect(inArray).toMatchObject({ code: "PG_TYPE_PARSE", column: "xs", value: "2.5" });
      // each() reads the first row in a task of the scope it runs in: scoped() is that scope.
      const inCursor = yield* caught(
        scoped(function* () {
          for (const _ of yield* each(db.cursor(sql`select 2.5::numeric as c`))) {
            yield* each.next();
          }
        }),
      );
      expect(inCursor).toMatchObject({ code: "PG_TYPE_PARSE", column: "c", value: "2.5" });
      // The connection is fine afterwards.
      expect(yield* db.query(sql`select 4::numeric as n`)).toEqual([{ n: 4 }]);
    });

    it("fails with PG_TYPE_SERIALIZE, keeping the parameter, when a serializer throws", function* () {
      const db = yield* backend.open({
        numeric: {
          is: (value: unknown): value is Decimal => value instanceof Decimal,
          serialize: (value: Decimal) => {
            if (value.digits === "NaN?") throw new Error("not a number");
            return value.digits;
          },
        },
      });
      const bad = new Decimal("NaN?");
      // Thrown where the query is compiled, as by `db.query()` itself.
      let error: unknown;
      try {
        yield* db.query(sql`select ${bad}::numeric as v`);
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(CustomTypeError);
      expect(error).toMatchObject({ code: "PG_TYPE_SERIALIZE", type: "numeric", value: bad });
      // Without a parser, numeric keeps the package's mapping.
      expect(yield* db.query(sql`select ${new Decimal("1.5")}::numeric as v`)).toEqual([
        { v: "1.5" },
      ]);
    });

    it("fails to open with PG_UNKNOWN_TYPE for a name no type has, and refuses an array type", function* () {
      for (const name of ["skein_no_such_type", "numeric("]) {
        const error = yield* caught(backend.open({ numeric: decimal, [name]: { parse: String } }));
        expect(error).toBeInstanceOf(CustomTypeError);
        expect(error).toMatchObject({ code: "PG_UNKNOWN_TYPE", type: name, value: name });
      }
      const array = yield* caught(backend.open({ "numeric[]": { parse: String } }));
      expect(array).toBeInstanceOf(InvalidArgumentError);
      expect(array).toMatchObject({ value: "numeric[]" });
    });

    it("fails to open with PG_DOMAIN_TYPE for a domain, whose values come as its base type", function* () {
      const error = yield* caught(backend.open({ [label]: { parse: String } }));
      expect(error).toBeInstanceOf(CustomTypeError);
      expect(error).toMatchObject({ code: "PG_DOMAIN_TYPE", type: label, value: label });
      expect((error as Error).message).toContain("base type text");
      // What a parser of the base type sees instead: the domain's values among the rest.
      const db = yield* backend.open({ text: { parse: (text: string) => `text ${text}` } });
      expect(yield* db.query(sql`select 'x'::${sql.id(label)} as v`)).toEqual([{ v: "text x" }]);
    });
  });
}

describe("the types option's shape", () => {
  it("is checked when the database is asked for, with the offending value", function* () {
    const cases: [unknown, unknown][] = [
      [{ numeric: { parse: "Number" } }, "Number"],
      [{ numeric: null }, null],
      [{ numeric: {} }, {}],
      [{ numeric: { serialize: String } }, { serialize: String }],
      [[], []],
    ];
    for (const [types, value] of cases) {
      let thrown: unknown;
      try {
        usePostgres({ embedded: true, types: types as CustomTypes });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidArgumentError);
      expect((thrown as InvalidArgumentError).value).toEqual(value);
      expect(() => usePostgres({ host: "127.0.0.1", types: types as CustomTypes })).toThrow(
        InvalidArgumentError,
      );
    }
  });
});

const pgliteDir = mkdtempSync(join(tmpdir(), "skein-types-"));
afterAll(() => rmSync(pgliteDir, { recursive: true, force: true }));

const onPglite = (script: string) =>
  run(function* () {
    const db = yield* usePglite({ dataDir: pgliteDir });
    yield* db.exec(script);
  });

describeCustomTypes({
  name: "PGlite",
  names: { mood: "mood", label: "label", pair: "pair", table: "prices" },
  setUp: onPglite,
  open: (types) => usePglite({ dataDir: pgliteDir, types }),
  tearDown: async () => {},
});

if (process.env.DATABASE_URL || process.env.PGHOST) {
  const onServer = (script: string) =>
    run(function* () {
      const db = yield* usePostgres({ max: 1 });
      yield* db.exec(script);
    });
  describeCustomTypes({
    name: "a server (postgres.js)",
    names: {
      mood: `skein_mood_${RUN}`,
      label: `skein_label_${RUN}`,
      pair: `skein_pair_${RUN}`,
      table: `skein_prices_${RUN}`,
    },
    setUp: onServer,
    open: (types) => usePostgres({ max: 2, types }),
    tearDown: onServer,
  });
}
