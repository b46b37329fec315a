/**
 * A notice or warning the server sent along with a statement (`RAISE NOTICE`, "table does not
 * exist, skipping"), handed to the `onNotice` option of `usePostgres()` or `usePglite()`.
 *
 * @example
 * ```ts
 * import { type Notice, usePostgres } from "@skein/postgres";
 *
 * const log = (notice: Notice) => console.warn(`${notice.severity} ${notice.code}: ${notice.message}`);
 * const db = usePostgres({ onNotice: log });
 * ```
 */
export interface Notice {
  /** `"NOTICE"`, `"WARNING"`, `"INFO"`, `"LOG"` or `"DEBUG"`. */
  severity: string;
  /** The SQLSTATE (`"00000"` for a plain notice, `"01000"` for a warning). */
  code: string;
  message: string;
  detail?: string | undefined;
  hint?: string | undefined;
}

/**
 * Internal. A notice from either driver's fields.
 *
 * @param fields - the driver's notice
 * @returns the package's notice
 */
export function noticeOf(fields: Record<string, unknown>): Notice {
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  return {
    severity: text(fields.severity) ?? "NOTICE",
    code: text(fields.code) ?? "00000",
    message: text(fields.message) ?? "",
    detail: text(fields.detail),
    hint: text(fields.hint),
  };
}
