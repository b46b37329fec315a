import { createWriteStream } from "node:fs";
import type { Writable } from "node:stream";
import { action, type Operation } from "@skein/core";
import type { CrawlStore, StoredPage } from "../store/crawl-store.js";

/** Internal to the CLI. Export formats. */
export type ExportFormat = "jsonl" | "csv";

const COLUMNS: (keyof StoredPage)[] = [
  "url",
  "status",
  "content_type",
  "title",
  "description",
  "canonical",
  "bytes",
  "elapsed_ms",
  "retries",
  "error",
  "item",
  "fetched_at",
];

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The reader went away (`export | head`): not an error, the export just ends. */
class ReaderGone extends Error {}

function* write(out: Writable, text: string, failed: () => Error | undefined): Operation<void> {
  const error = failed();
  if (error !== undefined) throw error;
  if (out.write(text)) return;
  yield* action<void>((resolve, reject) => {
    const drained = () => resolve();
    const broke = (e: Error) => reject(e);
    out.once("drain", drained);
    out.once("error", broke);
    return () => {
      out.off("drain", drained);
      out.off("error", broke);
    };
  });
}

/**
 * Internal to the CLI. Write every stored page of crawl `id`, page by page in URL order, to
 * `path` (or stdout), waiting for the stream to drain when it pushes back. A reader that closes
 * the pipe early (`| head`) ends the export quietly; the count is of the pages written so far.
 */
export function* exportPages(
  store: CrawlStore,
  id: number,
  format: ExportFormat,
  path?: string,
): Operation<number> {
  const out: Writable = path === undefined ? process.stdout : createWriteStream(path);
  let count = 0;
  let error: Error | undefined;
  const onError = (e: NodeJS.ErrnoException) => {
    error = e.code === "EPIPE" ? new ReaderGone() : e;
  };
  out.on("error", onError);
  try {
    if (format === "csv") yield* write(out, `${COLUMNS.join(",")}\n`, () => error);
    for (let after = ""; ; ) {
      const rows = yield* store.pages(id, after);
      if (rows.length === 0) break;
      const text = rows
        .map((row) =>
          format === "csv" ? COLUMNS.map((c) => csvCell(row[c])).join(",") : JSON.stringify(row),
        )
        .join("\n");
      yield* write(out, `${text}\n`, () => error);
      count += rows.length;
      after = rows[rows.length - 1]!.url;
    }
  } catch (e) {
    const gone = e instanceof ReaderGone || (e as NodeJS.ErrnoException).code === "EPIPE";
    if (!gone) throw e;
  } finally {
    if (out !== process.stdout) {
      yield* action<void>((resolve) => {
        out.end(() => resolve());
        return () => {};
      });
    }
    // stdout keeps a listener: an EPIPE reported after the last write is not an uncaught error.
    if (out !== process.stdout) out.off("error", onError);
  }
  if (error !== undefined && !(error instanceof ReaderGone)) throw error;
  return count;
}

/** Internal to the CLI. The format a file name asks for. */
export function formatOf(path: string): ExportFormat | undefined {
  if (path.endsWith(".jsonl") || path.endsWith(".ndjson")) return "jsonl";
  if (path.endsWith(".csv")) return "csv";
  return undefined;
}
