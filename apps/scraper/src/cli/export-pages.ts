import { createWriteStream } from "node:fs";
import type { Writable } from "node:stream";
import { action, type Operation } from "@skein/core";
import type { CrawlStore, StoredPage } from "../store/crawl-store.js";
import { readItems, readLinks } from "../store/dataset.js";

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
  "error_message",
  "item",
  "fetched_at",
  "depth",
  "referrer",
  "final_url",
  "link_count",
  "lastmod",
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
 * Write what `body` emits to `path` (or stdout), waiting for the stream to drain when it pushes
 * back. A reader that closes the pipe early (`| head`) ends the export quietly; the count is of
 * the rows written so far.
 */
function* writeExport(
  path: string | undefined,
  body: (emit: (text: string, rows: number) => Operation<void>) => Operation<void>,
): Operation<number> {
  const out: Writable = path === undefined ? process.stdout : createWriteStream(path);
  let count = 0;
  let error: Error | undefined;
  const onError = (e: NodeJS.ErrnoException) => {
    error = e.code === "EPIPE" ? new ReaderGone() : e;
  };
  out.on("error", onError);
  try {
    yield* body(function* (text, rows) {
      yield* write(out, text, () => error);
      count += rows;
    });
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

/**
 * Internal to the CLI. Write every stored page of crawl `id`, page by page in URL order, to
 * `path` (or stdout).
 */
export function exportPages(
  store: CrawlStore,
  id: number,
  format: ExportFormat,
  path?: string,
): Operation<number> {
  return writeExport(path, function* (emit) {
    if (format === "csv") yield* emit(`${COLUMNS.join(",")}\n`, 0);
    for (let after = ""; ; ) {
      const rows = yield* store.pages(id, after);
      if (rows.length === 0) return;
      const text = rows
        .map((row) =>
          format === "csv" ? COLUMNS.map((c) => csvCell(row[c])).join(",") : JSON.stringify(row),
        )
        .join("\n");
      yield* emit(`${text}\n`, rows.length);
      after = rows[rows.length - 1]!.url;
    }
  });
}

/**
 * Internal to the CLI. Write every item of crawl `id`'s dataset in page URL order to `path` (or
 * stdout): JSON lines of `{ url, n, item, error }`, or CSV with `url`, `n`, `error` and one
 * column per top-level field of the items (the fields of the first 500).
 */
export function exportItems(
  store: CrawlStore,
  id: number,
  format: ExportFormat,
  path?: string,
): Operation<number> {
  let fields: string[] | undefined;
  return writeExport(path, function* (emit) {
    for (let after = { url: "", n: 0 }; ; ) {
      const rows = yield* readItems(store, id, after);
      if (rows.length === 0) return;
      let text: string;
      if (format === "csv") {
        if (fields === undefined) {
          const found = new Set<string>();
          for (const row of rows) {
            if (row.item !== null && typeof row.item === "object" && !Array.isArray(row.item)) {
              for (const key of Object.keys(row.item)) found.add(key);
            }
          }
          fields = [...found];
          yield* emit(`${["url", "n", "error", ...fields].map(csvCell).join(",")}\n`, 0);
        }
        const keys = fields;
        text = rows
          .map((row) => {
            const item = (row.item ?? {}) as Record<string, unknown>;
            return [row.url, row.n, row.error, ...keys.map((key) => item[key])]
              .map(csvCell)
              .join(",");
          })
          .join("\n");
      } else {
        text = rows.map((row) => JSON.stringify(row)).join("\n");
      }
      yield* emit(`${text}\n`, rows.length);
      const last = rows[rows.length - 1]!;
      after = { url: last.url, n: last.n };
    }
  });
}

/**
 * Internal to the CLI. Write crawl `id`'s link graph, one `{ from, to }` line (or `from,to` CSV
 * row) per link, pages in URL order and links in document order.
 */
export function exportLinks(
  store: CrawlStore,
  id: number,
  format: ExportFormat,
  path?: string,
): Operation<number> {
  return writeExport(path, function* (emit) {
    if (format === "csv") yield* emit("from,to\n", 0);
    for (let after = ""; ; ) {
      const rows = yield* readLinks(store, id, after);
      if (rows.length === 0) return;
      const lines: string[] = [];
      for (const { url, links } of rows) {
        for (const to of links) {
          lines.push(
            format === "csv" ? `${csvCell(url)},${csvCell(to)}` : JSON.stringify({ from: url, to }),
          );
        }
      }
      if (lines.length > 0) yield* emit(`${lines.join("\n")}\n`, lines.length);
      after = rows[rows.length - 1]!.url;
    }
  });
}

/** Internal to the CLI. The format a file name asks for. */
export function formatOf(path: string): ExportFormat | undefined {
  if (path.endsWith(".jsonl") || path.endsWith(".ndjson")) return "jsonl";
  if (path.endsWith(".csv")) return "csv";
  return undefined;
}
