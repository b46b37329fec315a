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

/**
 * Thrown when a task is started in a scope that has already ended (its `run()` or `spawn()`
 * was called after the scope was destroyed). Its `code` is `"scope-closed"`.
 *
 * @example
 * ```ts
 * import { createScope, ScopeClosedError } from "@skein/core";
 *
 * const scope = createScope();
 * await scope.destroy();
 * try {
 *   scope.run(function* () {});
 * } catch (error) {
 *   console.log(error instanceof ScopeClosedError); // true
 * }
 * ```
 */
export class ScopeClosedError extends Error {
  readonly code = "scope-closed";
  override name = "ScopeClosedError";
  constructor() {
    super("cannot start a task in a scope that has ended");
  }
}

/**
 * Thrown by `race()` given no operations: a race with no entrants would never settle. Its
 * `code` is `"empty-race"`.
 *
 * @example
 * ```ts
 * import { EmptyRaceError, race, run } from "@skein/core";
 *
 * await run(function* () {
 *   try {
 *     yield* race([]);
 *   } catch (error) {
 *     console.log(error instanceof EmptyRaceError); // true
 *   }
 * });
 * ```
 */
export class EmptyRaceError extends Error {
  readonly code = "empty-race";
  override name = "EmptyRaceError";
  constructor(readonly operations: readonly unknown[]) {
    super("race() needs at least one operation: a race of none would never settle");
  }
}
