/**
 * What a query returns on either backend: the rows, as an array, with the statement's
 * `command` (the first word of the server's command tag: `"SELECT"`, `"INSERT"`, `"UPDATE"`,
 * `"DELETE"`, `"CREATE"`...) and `rowCount` (the rows the statement returned or changed, or
 * `null` for a command whose tag has no count, such as `CREATE TABLE`). Both are
 * non-enumerable, so the result serializes and compares as its rows.
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
 * Internal. Give `rows` the result's `command` and `rowCount`.
 *
 * @param rows - a plain array of rows, which is changed
 * @param tag - the command tag's first word
 * @param rowCount - its count, or null
 * @returns the same array, as a result
 */
export function createResult<T>(rows: T[], tag: string, rowCount: number | null): Result<T> {
  // Two defineProperty calls cost about half of one defineProperties with a descriptor map.
  Object.defineProperty(rows, "command", { value: tag });
  Object.defineProperty(rows, "rowCount", { value: rowCount });
  return rows as Result<T>;
}
