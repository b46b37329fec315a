// `pnpm bench [row-id ...]`: runs every row (or the named ones) and prints one markdown table.
import type { RowResult } from "./harness.js";
import { renderReport } from "./report.js";
import { rows } from "./rows/mod.js";

const wanted = process.argv.slice(2);
const unknown = wanted.filter((id) => !rows.some((row) => row.id === id));
if (unknown.length > 0) {
  throw new TypeError(
    `unknown row ${unknown.join(", ")}: expected one of ${rows.map((row) => row.id).join(", ")}`,
  );
}
if ((globalThis as { gc?: unknown }).gc === undefined) {
  process.stderr.write(
    "warning: run with --expose-gc so samples don't pay for each other's garbage\n",
  );
}

const results: RowResult[] = [];
for (const row of rows) {
  if (wanted.length > 0 && !wanted.includes(row.id)) continue;
  process.stderr.write(`running ${row.id}…\n`);
  results.push(...[await row.measure(row.defaults)].flat());
}
process.stdout.write(`${renderReport(results)}\n`);
