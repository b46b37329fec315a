// Custom types: numeric read as an exact decimal and written from one, the same way on a server
// and on the embedded PGlite.
import { main } from "@skein/core";
import { sql, usePostgres } from "@skein/postgres";

class Decimal {
  constructor(readonly digits: string) {}
  toString(): string {
    return this.digits;
  }
}

await main(function* () {
  const db = yield* usePostgres({
    embedded: true,
    types: {
      numeric: {
        parse: (text) => new Decimal(text), // "19.99", as Postgres prints it
        is: (value): value is Decimal => value instanceof Decimal,
        serialize: (value) => value.digits, // for the parameters `is` picks
      },
    },
  });
  yield* db.exec(`create table prices (id int primary key, price numeric)`);
  yield* db.query(sql`insert into prices values (1, ${new Decimal("19.99")})`);
  const [row] = yield* db.query<{ price: Decimal; both: Decimal[] }>(
    sql`select price, array[price, price * 2] as both from prices`,
  );
  console.log(row?.price instanceof Decimal, String(row?.price), row?.both.map(String));
  // true 19.99 [ '19.99', '39.98' ]
});
