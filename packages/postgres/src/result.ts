/**
 * What a query returns on either backend: the rows, as an array, with the statement's
 * `command` (the first word of the server's command tag: `"SELECT"`, `"INSERT"`, `"UPDATE"`,
 * `"DELETE"`, `"CREATE"`...) and `rowCount` (the rows the statement returned or changed, or
 * `null` for a command whose tag has no count, such as `CREATE TABLE`). Both are read-only and
 * non-enumerable: the result serializes, clones, prints and compares as a plain array of its
 * rows, and `map()`, `filter()` and `slice()` return plain arrays.
 *
 * @example
 * ```ts
 * import { sql, usePostgres } from "@skein/postgres";
 * import { run } from "@skein/core";
 *
 * await run(function* () {
 *   const db = yield* usePostgres();
 *   const updated = yield* db.query(sql`update jobs set done = true where id = ${7}`);
 *   console.log(updated.command, updated.rowCount); // UPDATE 1
 * });
 * ```
 */
export type Result<T> = T[] & {
  readonly command: string;
  readonly rowCount: number | null;
};

/**
 * The class of every {@link Result}. It presents itself as a plain array: its prototype's
 * `constructor` is `Array`, so `map()`, `filter()` and `slice()` return plain arrays, and
 * `toStrictEqual()`, `util.inspect()` and `structuredClone()` treat it as one. `command` and
 * `rowCount` are getters on the prototype over private fields, which keeps them out of
 * `Object.keys()`, JSON and equality checks at no cost per result: defining two non-enumerable
 * own properties on each plain array cost more than the rest of Skein's work per query.
 */
class QueryResult<T> extends Array<T> {
  readonly #command: string;
  readonly #rowCount: number | null;

  constructor(command: string, rowCount: number | null) {
    super();
    this.#command = command;
    this.#rowCount = rowCount;
  }

  get command(): string {
    return this.#command;
  }

  get rowCount(): number | null {
    return this.#rowCount;
  }
}

Object.defineProperty(QueryResult.prototype, "constructor", {
  value: Array,
  writable: true,
  configurable: true,
  enumerable: false,
});

/**
 * Internal. The result of a statement: `rows`, with the command tag's first word and its count.
 *
 * @param rows - the rows, in order (read, not kept)
 * @param tag - the command tag's first word
 * @param rowCount - its count, or null
 * @returns a new result holding the rows
 */
export function createResult<T>(
  rows: ArrayLike<T>,
  tag: string,
  rowCount: number | null,
): Result<T> {
  const result = new QueryResult<T>(tag, rowCount);
  // Index stores: push() on a subclass of Array takes V8's slow path.
  for (let i = 0; i < rows.length; i++) result[i] = rows[i] as T;
  return result;
}
