import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { compile, InvalidArgumentError, sql } from "./mod.js";
import { createCompiler } from "./sql.js";

describe("sql", () => {
  it("turns every interpolated value into a numbered parameter", function* () {
    const name = "x'; drop table users; --";
    expect(compile(sql`select * from t where a = ${1} and b = ${name}`)).toEqual({
      text: "select * from t where a = $1 and b = $2",
      params: [1, name],
    });
  });

  it("splices nested fragments and keeps numbering across them", function* () {
    const where = sql`id = ${7}`;
    const query = sql`select ${"a"} from ${sql.id("my", 'odd"table')} where ${where}`;
    expect(compile(query)).toEqual({
      text: 'select $1 from "my"."odd""table" where id = $2',
      params: ["a", 7],
    });
  });

  it("expands IN lists and bulk VALUES", function* () {
    const rows = [
      { a: 1, b: "x" },
      { a: 2, b: "y" },
    ];
    expect(compile(sql`insert into t ${sql.values(rows)} -- ${sql.in([3, 4])}`)).toEqual({
      text: 'insert into t ("a", "b") values ($1, $2), ($3, $4) -- ($5, $6)',
      params: [1, "x", 2, "y", 3, 4],
    });
  });

  it("sends bigints past int8, and bigints in arrays, as text, without changing the caller's fragment", function* () {
    const huge = 2n ** 64n;
    const query = sql`select ${huge}::numeric, ${[[1n], [2n]]}::int8[], ${5n}::int8`;
    const expected = ["18446744073709551616", [["1"], ["2"]], 5n];
    expect(compile(query).params).toEqual(expected);
    expect(createCompiler()(query).params).toEqual(expected);
    expect(query.values).toEqual([huge, [[1n], [2n]], 5n]);
  });

  it("joins fragments with a separator", function* () {
    const parts = [sql`a = ${1}`, sql`b = ${2}`];
    expect(compile(sql`where ${sql.join(parts, sql` and `)}`)).toEqual({
      text: "where a = $1 and b = $2",
      params: [1, 2],
    });
  });

  it("rejects an empty IN list, a missing column and a plain string with typed errors", function* () {
    expect(() => sql.in([])).toThrow(InvalidArgumentError);
    const missing = { a: 1 };
    try {
      sql.values([missing], ["a", "b"]);
      expect.unreachable();
    } catch (error) {
      expect((error as InvalidArgumentError).code).toBe("PG_INVALID_ARGUMENT");
      expect((error as InvalidArgumentError).value).toBe(missing);
    }
    expect(() => compile("select 1" as never)).toThrow(InvalidArgumentError);
    expect(() => sql.id("")).toThrow(InvalidArgumentError);
  });

  it("compiles a template to the same text each time, prepared, with nested fragments compiled afresh and unprepared", function* () {
    const compiled = createCompiler();
    const byId = (id: number) => sql`select ${id}::int as n`;
    const prepared = { text: "select $1::int as n", prepare: true };
    expect(compiled(byId(1))).toEqual({ ...prepared, params: [1] });
    expect(compiled(byId(2))).toEqual({ ...prepared, params: [2] });
    // A strings array made by hand is not a call site: its text is never remembered or prepared.
    const handMade = Object.assign(["select ", "::int"], { raw: ["select ", "::int"] });
    expect(compiled(sql(handMade, 3))).toEqual({ text: "select $1::int", params: [3] });
    const where = (part: ReturnType<typeof sql>) => sql`select * from t where ${part}`;
    expect(compiled(where(sql`a = ${1}`))).toEqual({
      text: "select * from t where a = $1",
      params: [1],
    });
    expect(compiled(where(sql.in([1, 2])))).toEqual({
      text: "select * from t where ($1, $2)",
      params: [1, 2],
    });
  });

  it("rejects an identifier with a NUL byte before it reaches the server", function* () {
    for (const make of [() => sql.id("a\0b"), () => sql.values([{ "x\0": 1 }])]) {
      try {
        make();
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect((error as InvalidArgumentError).value).toContain("\0");
      }
    }
  });
});
