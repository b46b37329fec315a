import { beforeAll, describe, expect, it } from "vitest";
import type { Row, RowOptions, RowResult } from "./harness.js";
import { renderReport } from "./report.js";
import { rows } from "./rows/mod.js";
import { COLUMNS } from "./table.js";

// Heap figures drift by tens of bytes per task, which only averages out over a few thousand.
const small = (row: Row): RowOptions =>
  row.id === "heap"
    ? { n: 2_000, effectionN: 1_000, runs: 1 }
    : { n: 200, effectionN: 100, runs: 1 };

describe("bench", () => {
  const results = new Map<string, RowResult>();

  beforeAll(async () => {
    for (const row of rows) results.set(row.id, await row.measure(small(row)));
  }, 60_000);

  for (const row of rows) {
    it(`measures row ${row.id} at a small N with finite positive figures`, () => {
      const result = results.get(row.id)!;
      expect(result.n).toBe(small(row).n);
      expect(result.figures.skein).toBeDefined();
      expect(result.figures.effection).toBeDefined();
      const figures = Object.values(result.figures);
      expect(figures.length).toBeGreaterThanOrEqual(3);
      for (const figure of figures) {
        expect(Number.isFinite(figure.value)).toBe(true);
        expect(figure.value).toBeGreaterThan(0);
      }
    });
  }

  it("prints one table with a line per row and every column", () => {
    const report = renderReport([...results.values()]);
    const table = report.split("\n").filter((line) => line.startsWith("|"));
    expect(table[0]).toBe(`| ${COLUMNS.join(" | ")} |`);
    expect(table).toHaveLength(rows.length + 2);
    for (const line of table) expect(line.split(" | ")).toHaveLength(COLUMNS.length);
    expect(report).toContain(process.version);
    expect(report).toMatch(/scaled linearly/);
  });
});
