import { InvalidArgumentError } from "./errors.js";

/**
 * Session settings every connection starts with, by their `postgresql.conf` names:
 * `search_path`, `role`, `timezone`, `work_mem`... The server backend sends them as startup
 * parameters of each new connection (so a reconnect has them too); PGlite, with its one
 * session, sets them once at start.
 *
 * @example
 * ```ts
 * import type { SessionSettings } from "@skein/postgres";
 *
 * const session: SessionSettings = { search_path: "app, public", timezone: "UTC" };
 * ```
 */
export type SessionSettings = Readonly<Record<string, string | number | boolean>>;

const NAME = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/i;

/**
 * Internal. The settings as text, checked: a name that is not a setting's name, or a value
 * holding a NUL, is an `InvalidArgumentError`.
 *
 * @param settings - the caller's settings
 * @returns name and text value pairs
 */
export function sessionEntries(settings: SessionSettings | undefined): [string, string][] {
  if (settings === undefined) return [];
  if (typeof settings !== "object" || settings === null) {
    throw new InvalidArgumentError(
      "session must be an object of setting names to values",
      settings,
    );
  }
  return Object.entries(settings).map(([name, value]) => {
    if (!NAME.test(name)) {
      throw new InvalidArgumentError(`"${name}" is not the name of a session setting`, name);
    }
    if (!["string", "number", "boolean"].includes(typeof value) || String(value).includes("\0")) {
      throw new InvalidArgumentError(
        `session setting ${name} needs a string, number or boolean`,
        value,
      );
    }
    return [name, String(value)];
  });
}
