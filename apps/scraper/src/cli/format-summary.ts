import type { CrawlSummary } from "../store/crawl-store.js";

/** Internal to the CLI. Bytes in a short human unit. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/**
 * Internal to the CLI. The final report as an aligned plain-text table.
 */
export function formatSummary(name: string, summary: CrawlSummary, elapsedMs: number): string {
  const rows: [string, string][] = [
    ["crawl", name],
    ["pages", String(summary.statuses.reduce((n, s) => n + s.pages, 0))],
    ...summary.statuses.map((s): [string, string] => [`  status ${s.status}`, String(s.pages)]),
    ["skipped (robots)", String(summary.counts.skipped)],
    ["failed", String(summary.counts.failed)],
    ["still queued", String(summary.counts.queued + summary.counts.leased)],
    ["bytes", formatBytes(summary.bytes)],
    ["retries", String(summary.retries)],
    ...summary.topErrors.map((e): [string, string] => [`  error ${e.error}`, String(e.pages)]),
    ["time", `${(elapsedMs / 1000).toFixed(1)} s`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join("\n");
}
