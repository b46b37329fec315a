import { InvalidArgumentError } from "./errors.js";
import { checkParameterCount, parameter } from "./parameter.js";

const PART = Symbol.for("@skein/postgres.sql-part");

/**
 * A piece of SQL built with the {@link sql} tag or one of its helpers. It holds text and
 * parameter values apart; `compile()` numbers the placeholders when the query is sent.
 *
 * @example
 * ```ts
 * import { type Fragment, sql } from "@skein/postgres";
 *
 * const byId = (id: number): Fragment => sql`id = ${id}`;
 * const query = sql`select * from users where ${byId(7)}`;
 * ```
 */
export interface Fragment {
  readonly [PART]: "fragment";
  readonly strings: readonly string[];
  readonly values: readonly unknown[];
}

/** Internal. A part that compiles to text and parameters. */
type Part =
  | Fragment
  | { readonly [PART]: "identifier"; readonly names: readonly string[] }
  | { readonly [PART]: "in"; readonly items: readonly unknown[] }
  | {
      readonly [PART]: "values";
      readonly rows: readonly Record<string, unknown>[];
      readonly columns: readonly string[];
    };

/**
 * What a {@link Fragment} compiles to: text with `$1`, `$2` ... placeholders and the values
 * that fill them, ready for either backend.
 *
 * @example
 * ```ts
 * import { compile, sql } from "@skein/postgres";
 *
 * const { text, params } = compile(sql`select ${1}::int`);
 * // text: "select $1::int", params: [1]
 * ```
 */
export interface CompiledQuery {
  readonly text: string;
  readonly params: readonly unknown[];
}

/**
 * The type of the {@link sql} tag and its helpers, for code that takes the tag as a value.
 *
 * @example
 * ```ts
 * import { type Fragment, type SqlTag, sql } from "@skein/postgres";
 *
 * const byName = (tag: SqlTag, name: string): Fragment => tag`select * from users where name = ${name}`;
 * const query = byName(sql, "ada");
 * ```
 */
export interface SqlTag {
  (strings: TemplateStringsArray, ...values: unknown[]): Fragment;
  /** A quoted identifier; several names are joined with dots (`sql.id("s", "t")` is `"s"."t"`). */
  id(...names: string[]): Fragment;
  /** A parenthesized list of parameters for `IN`; the list must not be empty. */
  in(items: Iterable<unknown>): Fragment;
  /** `("a", "b") values ($1, $2), ($3, $4)` for a bulk insert; columns default to the first row's keys. */
  values(rows: readonly Record<string, unknown>[], columns?: readonly string[]): Fragment;
  /** Fragments joined with `separator` (a comma by default). */
  join(fragments: readonly Fragment[], separator?: Fragment): Fragment;
}

function fragment(strings: readonly string[], values: readonly unknown[]): Fragment {
  return { [PART]: "fragment", strings, values };
}

function wrap(part: Part): Fragment {
  return fragment(["", ""], [part]);
}

function isPart(value: unknown): value is Part {
  return typeof value === "object" && value !== null && PART in value;
}

function quote(name: string): string {
  if (typeof name !== "string" || name.length === 0) {
    throw new InvalidArgumentError("sql.id() expects non-empty strings", name);
  }
  if (name.includes("\0")) {
    // Postgres cannot hold NUL in text; the server would refuse the whole statement.
    throw new InvalidArgumentError("an identifier cannot hold a NUL character", name);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

function tag(strings: TemplateStringsArray, ...values: unknown[]): Fragment {
  return fragment(strings, values);
}

/**
 * Write SQL as a tagged template: every `${value}` becomes a `$n` parameter, never text, and a
 * nested fragment is spliced in. The helpers build identifiers, `IN` lists, bulk `VALUES` and
 * joined lists without string building.
 *
 * @example
 * ```ts
 * import { sql } from "@skein/postgres";
 *
 * const table = "users";
 * const rows = [{ name: "ada", age: 36 }, { name: "alan", age: 41 }];
 * const insert = sql`insert into ${sql.id(table)} ${sql.values(rows, ["name", "age"])}`;
 * const select = sql`select * from ${sql.id(table)} where name in ${sql.in(["ada", "alan"])}`;
 * ```
 */
export const sql: SqlTag = Object.assign(tag, {
  id(...names: string[]): Fragment {
    if (names.length === 0) throw new InvalidArgumentError("sql.id() expects a name", names);
    names.forEach(quote);
    return wrap({ [PART]: "identifier", names });
  },
  in(items: Iterable<unknown>): Fragment {
    const list = items == null ? items : [...items];
    if (!Array.isArray(list) || list.length === 0) {
      throw new InvalidArgumentError(
        "sql.in() expects a non-empty list; for a list that may be empty use `= any($array)` with an array parameter",
        items,
      );
    }
    return wrap({ [PART]: "in", items: list });
  },
  values(rows: readonly Record<string, unknown>[], columns?: readonly string[]): Fragment {
    if (!Array.isArray(rows) || rows.length === 0) {
      throw new InvalidArgumentError("sql.values() expects a non-empty array of rows", rows);
    }
    const names = columns ?? Object.keys(rows[0] ?? {});
    if (names.length === 0) {
      throw new InvalidArgumentError("sql.values() needs at least one column", columns);
    }
    names.forEach(quote);
    for (const row of rows) {
      for (const name of names) {
        if (typeof row !== "object" || row === null || !(name in row)) {
          throw new InvalidArgumentError(`sql.values(): a row has no column "${name}"`, row);
        }
      }
    }
    return wrap({ [PART]: "values", rows, columns: names });
  },
  join(fragments: readonly Fragment[], separator: Fragment = tag`, `): Fragment {
    if (!Array.isArray(fragments)) {
      throw new InvalidArgumentError("sql.join() expects an array of fragments", fragments);
    }
    const strings: string[] = [""];
    const values: unknown[] = [];
    fragments.forEach((item, index) => {
      if (!isPart(item)) throw new InvalidArgumentError("sql.join() expects fragments", item);
      if (index > 0) {
        values.push(separator);
        strings.push("");
      }
      values.push(item);
      strings.push("");
    });
    return fragment(strings, values);
  },
});

/**
 * Turn a fragment into query text with numbered `$n` placeholders and its parameter list.
 * Both backends send exactly this.
 *
 * @example
 * ```ts
 * import { compile, sql } from "@skein/postgres";
 *
 * const { text, params } = compile(sql`select * from t where id in ${sql.in([1, 2])}`);
 * // text: "select * from t where id in ($1, $2)", params: [1, 2]
 * ```
 *
 * @param query - the fragment to compile
 * @returns its text and parameters
 */
export function compile(query: Fragment): CompiledQuery {
  if (!isPart(query) || query[PART] !== "fragment") {
    throw new InvalidArgumentError(
      "expected a query built with the sql`...` tag (plain strings are not accepted)",
      query,
    );
  }
  const params: unknown[] = [];
  let text = "";
  const param = (value: unknown): string => {
    params.push(parameter(value, params.length + 1));
    return `$${params.length}`;
  };
  const emit = (part: Part): void => {
    switch (part[PART]) {
      case "fragment":
        for (let i = 0; i < part.strings.length; i++) {
          text += part.strings[i];
          if (i < part.values.length) {
            const value = part.values[i];
            if (isPart(value)) emit(value);
            else text += param(value);
          }
        }
        return;
      case "identifier":
        text += part.names.map(quote).join(".");
        return;
      case "in":
        text += `(${part.items.map(param).join(", ")})`;
        return;
      case "values":
        text += `(${part.columns.map(quote).join(", ")}) values `;
        text += part.rows
          .map((row) => `(${part.columns.map((column) => param(row[column])).join(", ")})`)
          .join(", ");
        return;
    }
  };
  emit(query);
  checkParameterCount(params.length);
  return { text, params };
}

/**
 * Internal. A compiled query, and whether the server backend may send it as a named prepared
 * statement (parsed once per connection, then one round trip per query instead of two). Only
 * the text of a template literal whose values are all parameters is: there is one such text
 * per call site in the program's source, so the statements a connection keeps stay bounded,
 * where texts built with `sql.in()` or `sql.values()` could be endless.
 */
export interface Statement extends CompiledQuery {
  readonly prepare?: boolean;
}

/**
 * Internal. {@link compile} that remembers the text of each template whose values are all
 * parameters: such a fragment compiles to the same text every time, with its values as the
 * parameters, and is marked to be prepared. The memory lives as long as the returned function.
 *
 * @returns a compile function with its own memory
 */
export function createCompiler(): (query: Fragment) => Statement {
  const texts = new WeakMap<readonly string[], string>();
  return (query) => {
    if (!isPart(query) || query[PART] !== "fragment" || !("raw" in query.strings)) {
      return compile(query);
    }
    const values = query.values;
    let params = values;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (isPart(value)) return compile(query);
      const sent = parameter(value, i + 1);
      if (sent !== value) {
        // The fragment is the caller's: a value sent differently goes into a copy.
        if (params === values) params = values.slice();
        (params as unknown[])[i] = sent;
      }
    }
    checkParameterCount(values.length);
    let text = texts.get(query.strings);
    if (text === undefined) {
      // A template literal's strings are frozen and the same array at every call; an array
      // made by hand could be new each time, and so could its text.
      if (!Object.isFrozen(query.strings)) return compile(query);
      text = compile(query).text;
      texts.set(query.strings, text);
    }
    return { text, params, prepare: true };
  };
}
