import { figure, ratio } from "./format.js";
import type { Engine, Figure, RowResult } from "./harness.js";

/** The table's column headers, in order. */
export const COLUMNS = [
  "benchmark",
  "floor",
  "Promise",
  "effection 4.1.1",
  "Skein",
  "Skein/floor",
  "effection/Skein",
  "Skein/Promise",
] as const;

const ENGINES: Engine[] = ["floor", "promise", "effection", "skein"];
const MARKS = ["¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"];

/**
 * Render the results as one markdown table followed by its footnotes.
 *
 * @param results - one result per row, in table order
 * @returns the markdown text
 */
export function renderTable(results: RowResult[]): string {
  const notes: string[] = [];
  const mark = (note: string | undefined): string => {
    if (note === undefined) return "";
    let index = notes.indexOf(note);
    if (index === -1) index = notes.push(note) - 1;
    return MARKS[index] ?? `[${index + 1}]`;
  };
  const lines = [
    `| ${COLUMNS.join(" | ")} |`,
    `|${COLUMNS.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")}|`,
  ];
  for (const result of results) {
    const { floor, promise, effection, skein } = result.figures;
    const cells = [
      result.label,
      ...ENGINES.map((engine) => cell(result, result.figures[engine], mark)),
      ratio(skein?.value, floor?.value),
      ratio(effection?.value, skein?.value),
      ratio(skein?.value, promise?.value),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  if (notes.length > 0) lines.push("");
  notes.forEach((note, i) => {
    lines.push(`${MARKS[i] ?? `[${i + 1}]`} ${note}`);
  });
  return lines.join("\n");
}

function cell(
  result: RowResult,
  entry: Figure | undefined,
  mark: (note: string | undefined) => string,
): string {
  if (entry === undefined) return "—";
  const suffix = mark(entry.note);
  if (result.unit === "bytes/task") return `${figure(entry.value)} B${suffix}`;
  if (result.unit === "max ms" || result.unit === "latency ms")
    return `${figure(entry.value)} ms${suffix}`;
  if (result.unit === "MB") return `${figure(entry.value)} MB${suffix}`;
  const perItem = (entry.value * 1000) / result.n;
  return `${figure(entry.value)} ms${suffix} (${figure(perItem)} µs/${result.item})`;
}
