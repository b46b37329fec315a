import { type Operation, sleep } from "@skein/core";
import type { CrawlStore } from "../store/crawl-store.js";

/** Internal to the CLI. Counters the engine's page events feed. */
export interface Tally {
  pages: number;
  errors: number;
  bytes: number;
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
): Operation<void> {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  try {
    for (;;) {
      yield* sleep(tty ? 250 : plainMs);
      const counts = yield* store.counts(id);
      const seconds = (Date.now() - started) / 1000;
      const line =
        `${tally.pages} pages (${(tally.pages / seconds).toFixed(1)}/s), ` +
        `${counts.queued} queued, ${counts.leased} in flight, ${tally.errors} errors, ` +
        `${(tally.bytes / 1024 / 1024).toFixed(1)} MiB`;
      process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    }
  } finally {
    if (tty) process.stderr.write("\r\x1b[2K");
  }
}
