// A query log: every statement of the program, with its parameters, row count or error and
// duration, from one middleware installed at the top.
import { main } from "@skein/core";
import { Postgres, sql, usePostgres } from "@skein/postgres";

await main(function* () {
  yield* Postgres.around({
    *query([query], next) {
      const start = performance.now();
      const params = JSON.stringify(query.params);
      try {
        const result = yield* next(query);
        const ms = (performance.now() - start).toFixed(1);
        console.log(`${query.text} ${params}: ${result.rowCount} rows in ${ms} ms`);
        return result;
      } catch (error) {
        console.log(`${query.text} ${params} failed: ${String(error)}`);
        throw error;
      }
    },
  });
  const db = yield* usePostgres();
  yield* db.query(sql`select g from generate_series(1, ${3}) g`);
  yield* db.transaction((tx) => tx.query(sql`select ${"in a transaction"}::text as note`));
});
