// A pool and a transaction: move money between two accounts, all or nothing.
// Runs on the server named by PG*/DATABASE_URL, or on an embedded PGlite when none is set.
import { main } from "@skein/core";
import { sql, usePostgres } from "@skein/postgres";

await main(function* () {
  const db = yield* usePostgres({ max: 5, acquireTimeout: 2_000 });
  const table = sql.id(`accounts_example_${process.pid}`);
  yield* db.query(
    sql`create table ${table} (id int primary key, balance int not null check (balance >= 0))`,
  );
  try {
    yield* db.query(
      sql`insert into ${table} ${sql.values([
        { id: 1, balance: 100 },
        { id: 2, balance: 0 },
      ])}`,
    );
    yield* db.transaction(
      function* (tx) {
        yield* tx.query(sql`update ${table} set balance = balance - ${30} where id = ${1}`);
        yield* tx.query(sql`update ${table} set balance = balance + ${30} where id = ${2}`);
      },
      { isolation: "serializable", retrySerialization: true },
    );
    const rows = yield* db.query<{ id: number; balance: number }>(
      sql`select id, balance from ${table} order by id`,
    );
    console.log(rows.map((row) => `${row.id}: ${row.balance}`).join(", "));
  } finally {
    yield* db.query(sql`drop table ${table}`);
  }
});
