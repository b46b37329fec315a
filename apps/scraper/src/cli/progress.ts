import { type Operation, sleep } from "@skein/core";
import type { CrawlCounts, CrawlStore } from "../store/crawl-store.js";

/** Internal to the CLI. Counters the engine's page events feed. */
export interface Tally {
  pages: number;
  bytes: number;
  /** Pages that ended in an error, by its kind (`timeout`, `connection-reset`, `http-500`...). */
  errors: Map<string, number>;
}

/** Internal to the CLI. A tally with nothing counted yet. */
export function createTally(): Tally {
  return { pages: 0, bytes: 0, errors: new Map() };
}

/** How many error kinds the line names; the rest are counted as "other". */
const KINDS_SHOWN = 3;

/**
 * Internal to the CLI (exported for tests). One progress line: pages and their rate, the
 * frontier, errors by kind (most frequent first), bytes, and an ETA when the crawl is bounded.
 *
 * @param tally - what this process has finished
 * @param counts - the crawl's frontier, all processes included
 * @param seconds - time since this process started crawling
 * @param bound - the number of URLs the crawl will have finished when done (`--max-pages`, or
 *   the demo site's size), if known
 */
export function formatProgress(
  tally: Tally,
  counts: CrawlCounts,
  seconds: number,
  bound?: number,
): string {
  const rate = seconds > 0 ? tally.pages / seconds : 0;
  const parts = [
    `${tally.pages} pages (${rate.toFixed(1)}/s)`,
    `${counts.queued} queued`,
    `${counts.leased} in flight`,
    errorsOf(tally.errors),
    `${(tally.bytes / 1024 / 1024).toFixed(1)} MiB`,
  ];
  if (bound !== undefined && rate > 0) {
    const finished = counts.done + counts.failed + counts.skipped;
    parts.push(`ETA ${duration(Math.max(0, bound - finished) / rate)}`);
  }
  return parts.join(", ");
}

function errorsOf(errors: Map<string, number>): string {
  if (errors.size === 0) return "0 errors";
  const sorted = [...errors].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const total = sorted.reduce((n, [, count]) => n + count, 0);
  const shown = sorted.slice(0, KINDS_SHOWN).map(([kind, count]) => `${kind} ${count}`);
  const other = sorted.slice(KINDS_SHOWN).reduce((n, [, count]) => n + count, 0);
  if (other > 0) shown.push(`other ${other}`);
  return `${total} errors (${shown.join(", ")})`;
}

function duration(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/**
 * Internal to the CLI. Report progress until halted: a line rewritten in place on a TTY, a
 * plain line every `plainMs` otherwise (to stderr, so stdout stays clean for --json).
 */
export function* reportProgress(
  store: CrawlStore,
  id: number,
  tally: Tally,
  plainMs = 5000,
  bound?: number,
): Operation<void> {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  try {
    for (;;) {
      yield* sleep(tty ? 250 : plainMs);
      const counts = yield* store.counts(id);
      const line = formatProgress(tally, counts, (Date.now() - started) / 1000, bound);
      process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    }
  } finally {
    if (tty) process.stderr.write("\r\x1b[2K");
  }
}
