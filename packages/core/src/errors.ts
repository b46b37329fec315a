/**
 * The error a halted task rejects with when awaited (or joined with `yield*`). Its `code` is
 * `"halted"`.
 *
 * @example
 * ```ts
 * import { HaltError, run, suspend } from "@skein/core";
 *
 * const task = run(function* () { yield* suspend(); });
 * await task.halt();
 * try { await task; } catch (error) { console.log(error instanceof HaltError); } // true
 * ```
 */
export class HaltError extends Error {
  readonly code = "halted";
  override name = "HaltError";
  constructor(message = "halted") {
    super(message);
  }
}

/**
 * Thrown by `context.expect()` and `scope.expect()` when the context has no value.
 *
 * @example
 * ```ts
 * import { createContext, MissingContextError, run } from "@skein/core";
 *
 * const Db = createContext<string>("db");
 * await run(function* () {
 *   try { yield* Db.expect(); } catch (e) { console.log(e instanceof MissingContextError); }
 * });
 * ```
 */
export class MissingContextError extends Error {
  readonly code = "missing-context";
  override name = "MissingContextError";
  constructor(readonly context: string) {
    super(`no value for context "${context}"`);
  }
}
