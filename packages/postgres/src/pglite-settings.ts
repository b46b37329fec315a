import { InvalidArgumentError } from "./errors.js";

/**
 * Server settings for the embedded PGlite, by their `postgresql.conf` names. Each one is passed
 * to Postgres as `-c name=value` when it starts.
 *
 * @example
 * ```ts
 * import type { PgliteSettings } from "@skein/postgres";
 *
 * const settings: PgliteSettings = { shared_buffers: "128MB", work_mem: "16MB" };
 * ```
 */
export type PgliteSettings = Readonly<Record<string, string | number | boolean>>;

// PGlite's Postgres allocates all of shared_buffers and writes zeros over it at start, so every
// megabyte here is a megabyte of RSS from the first moment.
const lean: PgliteSettings = { shared_buffers: "16MB" };

// A database in memory dies with the process, so it has no crash recovery for full-page images
// to serve; and it holds its WAL in memory, where max_wal_size keeps pg_wal to about 16 MB.
const inMemory: PgliteSettings = { max_wal_size: "16MB", full_page_writes: "off" };

const NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/**
 * Internal. The `-c name=value` arguments the embedded server starts with: the lean defaults,
 * then `settings`, which win.
 *
 * @param settings - the user's settings
 * @param inMemoryDatabase - whether the database lives in memory rather than in a directory
 * @returns the arguments, in pairs
 */
export function pgliteStartArgs(
  settings: PgliteSettings | undefined,
  inMemoryDatabase: boolean,
): string[] {
  const merged = { ...lean, ...(inMemoryDatabase ? inMemory : {}), ...settings };
  return Object.entries(merged).flatMap(([name, value]) => {
    if (!NAME.test(name)) {
      throw new InvalidArgumentError(`a server setting name like "work_mem", got "${name}"`, name);
    }
    if (!["string", "number", "boolean"].includes(typeof value)) {
      throw new InvalidArgumentError(`a string, number or boolean for ${name}`, value);
    }
    return ["-c", `${name}=${value}`];
  });
}
