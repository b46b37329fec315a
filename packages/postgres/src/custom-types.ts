import type { Operation } from "@skein/core";
import { type ArrayText, parseArrayLiteral } from "./array-literal.js";
import type { Row } from "./db.js";
import { CustomTypeError, InvalidArgumentError, PostgresError } from "./errors.js";
import type { Result } from "./result.js";
import type { CompiledQuery, Fragment, Statement } from "./sql.js";

/**
 * How to read and write one Postgres type. `parse` gets the text Postgres prints for a value
 * (`"1.10"` for a `numeric`, `"happy"` for an enum, `"(1,x)"` for a composite) and is never
 * called for `NULL`, which stays `null`; arrays of the type are parsed element by element.
 * `serialize` turns a parameter for which `is` holds into the text Postgres reads: it is sent
 * untyped, so the statement gives its type (`${price}::numeric`, or the column it goes into).
 *
 * @example
 * ```ts
 * import type { TypeCodec } from "@skein/postgres";
 *
 * class Money {
 *   constructor(readonly cents: bigint) {}
 * }
 * const money: TypeCodec<Money> = {
 *   parse: (text) => new Money(BigInt(Math.round(Number(text) * 100))),
 *   is: (value): value is Money => value instanceof Money,
 *   serialize: (value) => (Number(value.cents) / 100).toFixed(2),
 * };
 * ```
 */
export interface TypeCodec<T = unknown> {
  /** The value for the text of a non-null value of the type. */
  parse?: (text: string) => T;
  /** Which parameters `serialize` takes. Required with `serialize`. */
  is?: (value: unknown) => value is T;
  /** The text to send for a parameter for which `is` holds. */
  serialize?: (value: T) => string;
}

/**
 * The `types` option: codecs by type name, as `::` casts take it (`"numeric"`,
 * `"public.mood"`, `"timestamptz"`), or by OID (`1700`). Names are looked up when the database
 * opens; an unknown name, or a domain, fails it with a {@link CustomTypeError}.
 *
 * @example
 * ```ts
 * import type { CustomTypes } from "@skein/postgres";
 *
 * const types: CustomTypes = {
 *   mood: { parse: (text) => text.toUpperCase() },
 *   1700: { parse: Number },
 * };
 * ```
 */
export type CustomTypes = Readonly<Record<string, TypeCodec<any>>>;

/** Internal. A parser for one type OID, found when the database opened. */
interface Parser {
  /** The key it was configured with. */
  readonly type: string;
  readonly parse: (text: string) => unknown;
  /** The OID is the array type of the configured one. */
  readonly array: boolean;
  readonly delimiter: string;
}

/** Internal. The parsers by OID, and the OIDs whose text each backend must leave as it is. */
export interface TypeParsers {
  readonly byOid: ReadonlyMap<number, Parser>;
  /** The element types configured, and their array types. */
  readonly raw: readonly number[];
}

interface Serializer {
  readonly type: string;
  readonly is: (value: unknown) => boolean;
  readonly serialize: (value: unknown) => string;
}

/**
 * Internal. Check the `types` option's shape, before anything is opened.
 *
 * @param types - the caller's option
 * @returns the same value, or undefined when it configures nothing
 */
export function checkTypes(types: CustomTypes | undefined): CustomTypes | undefined {
  if (types === undefined) return undefined;
  if (typeof types !== "object" || types === null || Array.isArray(types)) {
    throw new InvalidArgumentError("types must be an object of codecs by type name", types);
  }
  const keys = Object.keys(types);
  for (const key of keys) {
    const codec = types[key] as TypeCodec | undefined;
    if (key.trim() === "") throw new InvalidArgumentError("a type name cannot be empty", key);
    if (typeof codec !== "object" || codec === null) {
      throw new InvalidArgumentError(`types.${key} must be { parse?, is?, serialize? }`, codec);
    }
    for (const name of ["parse", "is", "serialize"] as const) {
      if (codec[name] !== undefined && typeof codec[name] !== "function") {
        throw new InvalidArgumentError(`types.${key}.${name} must be a function`, codec[name]);
      }
    }
    if (codec.parse === undefined && codec.serialize === undefined) {
      throw new InvalidArgumentError(`types.${key} needs parse or serialize`, codec);
    }
    if ((codec.serialize === undefined) !== (codec.is === undefined)) {
      throw new InvalidArgumentError(
        `types.${key}: serialize and is go together (is picks the parameters serialize takes)`,
        codec,
      );
    }
  }
  return keys.length === 0 ? undefined : types;
}

/** Each key's OID, its array type's, its kind and its name, in the order of the keys. */
const RESOLVE = `select t.oid::int8 as oid, t.typarray::int8 as array, t.typtype as kind,
  t.typcategory as category, t.typdelim as delimiter, format_type(t.typbasetype, null) as base
from json_array_elements_text($1::text::json) with ordinality as k(key, i)
left join pg_catalog.pg_type t on t.oid = case when k.key ~ '^[0-9]+$' then k.key::oid
  else to_regtype(k.key)::oid end
order by k.i`;

interface Resolved {
  oid: string | null;
  array: string | null;
  kind: string | null;
  category: string | null;
  delimiter: string | null;
  base: string | null;
}

/**
 * Internal. Look up the OIDs of the configured types, on the database being opened.
 *
 * @param types - the checked option
 * @param run - runs the lookup on the database
 * @returns the parsers by OID
 */
export function* resolveTypes(
  types: CustomTypes,
  run: (query: CompiledQuery) => Operation<Result<Row>>,
): Operation<TypeParsers> {
  const keys = Object.keys(types);
  const lookUp = (names: string[]) => run({ text: RESOLVE, params: [JSON.stringify(names)] });
  let rows: Row[];
  try {
    rows = yield* lookUp(keys);
  } catch (error) {
    if (!(error instanceof PostgresError)) throw error;
    // Before Postgres 16, to_regtype() raises for a name it cannot parse (`numeric(`), where
    // later ones (and PGlite) return null: the name is found, and reported as unknown.
    for (const key of keys) {
      try {
        yield* lookUp([key]);
      } catch (one) {
        if (!(one instanceof PostgresError)) throw one;
        throw new CustomTypeError(
          "PG_UNKNOWN_TYPE",
          `there is no type ${key}: ${one.message}`,
          key,
          key,
          undefined,
          one,
        );
      }
    }
    throw error;
  }
  const byOid = new Map<number, Parser>();
  const raw: number[] = [];
  keys.forEach((key, i) => {
    const found = rows[i] as unknown as Resolved;
    if (found.oid === null) {
      throw new CustomTypeError("PG_UNKNOWN_TYPE", `there is no type ${key}`, key, key);
    }
    if (found.kind === "d") {
      throw new CustomTypeError(
        "PG_DOMAIN_TYPE",
        `${key} is a domain: Postgres sends its values as its base type ${found.base}, so a parser for it would never run; configure ${found.base}, or cast in the query`,
        key,
        key,
      );
    }
    if (found.category === "A") {
      throw new InvalidArgumentError(
        `types.${key} is an array type: configure its element type, whose arrays are parsed element by element`,
        key,
      );
    }
    const parse = (types[key] as TypeCodec).parse;
    if (parse === undefined) return;
    const oid = Number(found.oid);
    if (byOid.has(oid)) {
      throw new InvalidArgumentError(`types configures ${key} twice (OID ${oid})`, key);
    }
    const delimiter = found.delimiter ?? ",";
    byOid.set(oid, { type: key, parse, array: false, delimiter });
    raw.push(oid);
    const array = Number(found.array);
    if (array !== 0) {
      byOid.set(array, { type: key, parse, array: true, delimiter });
      raw.push(array);
    }
  });
  return { byOid, raw };
}

/** Internal. A result column: its name and type OID. */
export interface Column {
  readonly name: string;
  readonly type: number;
}

function parseOne(parser: Parser, column: string, text: string): unknown {
  try {
    return parser.parse(text);
  } catch (cause) {
    throw new CustomTypeError(
      "PG_TYPE_PARSE",
      `the parser for ${parser.type} threw on column ${column}: ${cause instanceof Error ? cause.message : String(cause)}`,
      parser.type,
      text,
      column,
      cause,
    );
  }
}

function parseElements(parser: Parser, column: string, elements: ArrayText): unknown[] {
  return elements.map((element) => {
    if (element === null) return null;
    if (typeof element === "string") return parseOne(parser, column, element);
    return parseElements(parser, column, element);
  });
}

function parseValue(parser: Parser, column: string, value: unknown): unknown {
  if (!parser.array) return parseOne(parser, column, value as string);
  // The server driver splits arrays of the types it knew when it connected into their
  // elements' text; an array type made later, and every one on PGlite, comes as a literal.
  const elements =
    typeof value === "string" ? parseArrayLiteral(value, parser.delimiter) : (value as ArrayText);
  return parseElements(parser, column, elements);
}

/**
 * Internal. Parse, in place, the values of `rows` whose column has a configured type. A row
 * keeps the last of several columns of one name, so that one's type is the one that counts.
 *
 * @param rows - the rows, with the text of those values
 * @param columns - the result's columns
 * @param parsers - the configured parsers
 */
export function parseRows(
  rows: readonly Row[],
  columns: readonly Column[] | null | undefined,
  parsers: TypeParsers,
): void {
  if (columns == null || rows.length === 0) return;
  const byName = new Map<string, Parser | undefined>();
  for (const column of columns) byName.set(column.name, parsers.byOid.get(column.type));
  for (const [name, parser] of byName) {
    if (parser === undefined) continue;
    for (const row of rows) {
      const value = row[name];
      if (value != null) row[name] = parseValue(parser, name, value);
    }
  }
}

function serializersOf(types: CustomTypes): Serializer[] {
  const serializers: Serializer[] = [];
  for (const [type, codec] of Object.entries(types) as [string, TypeCodec][]) {
    if (codec.serialize !== undefined && codec.is !== undefined) {
      serializers.push({ type, is: codec.is, serialize: codec.serialize });
    }
  }
  return serializers;
}

function serializeOne(serializers: readonly Serializer[], value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    let changed = false;
    const mapped = value.map((element) => {
      const out = serializeOne(serializers, element);
      if (out !== element) changed = true;
      return out;
    });
    return changed ? mapped : value;
  }
  for (const serializer of serializers) {
    if (!serializer.is(value)) continue;
    let text: unknown;
    try {
      text = serializer.serialize(value);
    } catch (cause) {
      throw new CustomTypeError(
        "PG_TYPE_SERIALIZE",
        `the serializer for ${serializer.type} threw: ${cause instanceof Error ? cause.message : String(cause)}`,
        serializer.type,
        value,
        undefined,
        cause,
      );
    }
    if (typeof text !== "string") {
      throw new CustomTypeError(
        "PG_TYPE_SERIALIZE",
        `the serializer for ${serializer.type} returned ${typeof text}, not a string`,
        serializer.type,
        value,
      );
    }
    return text;
  }
  return value;
}

/**
 * Internal. `compiled`, with the parameters a configured `serialize` takes turned into text.
 * Without serializers it is `compiled` itself: queries pay nothing.
 *
 * @param compiled - the handle's compiler
 * @param types - the checked option
 * @returns the compiler to use
 */
export function withSerializers(
  compiled: (query: Fragment) => Statement,
  types: CustomTypes | undefined,
): (query: Fragment) => Statement {
  const serializers = types === undefined ? [] : serializersOf(types);
  if (serializers.length === 0) return compiled;
  return (query) => {
    const statement = compiled(query);
    let params: unknown[] | undefined;
    for (let i = 0; i < statement.params.length; i++) {
      const value = statement.params[i];
      const out = serializeOne(serializers, value);
      if (out !== value) {
        params ??= [...statement.params];
        params[i] = out;
      }
    }
    return params === undefined ? statement : { ...statement, params };
  };
}
