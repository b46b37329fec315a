// Test fixture: open a PGlite data directory (argv[2]), print "ready", and hold it until killed.
import { main, suspend } from "@skein/core";
import { sql, usePglite } from "../src/mod.js";

await main(function* () {
  const db = yield* usePglite({ dataDir: process.argv[2] as string });
  yield* db.query(sql`create table if not exists held (id int)`);
  process.stdout.write("ready\n");
  yield* suspend();
});
