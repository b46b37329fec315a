/**
 * Why `skein ps` could not read a process's task tree. `code` says which:
 * `"bad-pid"`, `"no-such-process"`, `"other-user"` (or not permitted to signal it),
 * `"inspector-unavailable"` (its inspector did not open on the port), `"port-taken"` (another
 * process answers on the port), `"not-skein"` (it runs no Skein), `"protocol"` (the inspector
 * answered something unexpected). `pid` is the target.
 *
 * @example
 * ```ts
 * import { PsError } from "@skein/core/node";
 *
 * const error = new PsError("not-skein", 1234, "process 1234 does not run Skein");
 * console.log(error.code); // "not-skein"
 * ```
 */
export class PsError extends Error {
  override name = "PsError";
  /**
   * @param code - the reason, as listed above
   * @param pid - the target process
   * @param message - the explanation
   */
  constructor(
    readonly code:
      | "bad-pid"
      | "no-such-process"
      | "other-user"
      | "inspector-unavailable"
      | "port-taken"
      | "not-skein"
      | "protocol",
    readonly pid: unknown,
    message: string,
  ) {
    super(message);
  }
}
