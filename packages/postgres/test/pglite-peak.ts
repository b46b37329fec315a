// Opens a new in-memory PGlite, runs one query and prints the process's peak RSS in MB. Run as
// `node --conditions=development --import tsx test/pglite-peak.ts`, in a process of its own so
// that nothing else counts.
import { run } from "@skein/core";
import { sql, usePglite } from "../src/mod.js";

await run(function* () {
  const db = yield* usePglite();
  yield* db.query(sql`select 1`);
});
process.stdout.write(`${Math.round(process.resourceUsage().maxRSS / 1024)}\n`);
