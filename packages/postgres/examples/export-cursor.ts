// A streaming export: rows are fetched 500 at a time, only as fast as they are written out.
import { each, main } from "@skein/core";
import { sql, usePostgres } from "@skein/postgres";

await main(function* () {
  const db = yield* usePostgres();
  let lines = 0;
  let bytes = 0;
  const rows = db.cursor<{ id: number; label: string }>(
    sql`select g as id, 'item ' || g as label from generate_series(1, ${10_000}) g`,
    { batch: 500 },
  );
  for (const row of yield* each(rows)) {
    bytes += `${row.id},${row.label}\n`.length;
    lines++;
    yield* each.next();
  }
  console.log(`exported ${lines} rows, ${bytes} bytes of CSV`);
});
