/**
 * A `--db` / `useDatabase()` location that cannot be used: `kind` says why.
 * `unsupported` is a URL of another database (`mysql://...`), `unusable` a data directory that
 * cannot be created or written, `unreachable` a server that cannot be connected to, `locked`
 * a data directory another process has open.
 *
 * @example
 * ```ts
 * import { DatabaseLocationError } from "@skein/scraper";
 *
 * const error = new DatabaseLocationError("mysql://db/crawls", "unsupported", "not a postgres:// URL");
 * error.code; // "invalid-database-location"
 * ```
 */
export class DatabaseLocationError extends Error {
  readonly code: "invalid-database-location" | "database-unavailable";
  override name = "DatabaseLocationError";
  constructor(
    readonly location: string,
    readonly kind: "unsupported" | "unusable" | "unreachable" | "locked",
    reason: string,
  ) {
    super(`--db ${JSON.stringify(location)}: ${reason}`);
    this.code = kind === "unsupported" ? "invalid-database-location" : "database-unavailable";
  }
}
