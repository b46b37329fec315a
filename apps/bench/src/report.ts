import { cpus } from "node:os";
import type { RowResult } from "./harness.js";
import { renderTable } from "./table.js";

/**
 * The full report: a header naming the machine and the date, then the table.
 *
 * @param results - one result per row, in table order
 * @param date - when the run happened
 * @returns the markdown text
 */
export function renderReport(results: RowResult[], date: Date = new Date()): string {
  const cores = cpus();
  const cpu = cores[0]?.model.trim() ?? "unknown CPU";
  return [
    "## Skein benchmarks",
    "",
    `Node ${process.version} · ${cpu} × ${cores.length} · ${date.toISOString()}`,
    "",
    renderTable(results),
  ].join("\n");
}
