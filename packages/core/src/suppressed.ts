const SUPPRESSED = Symbol.for("@skein/core/suppressed");

/**
 * The errors that were thrown after `error` while its scope was being cleaned up (a sibling's
 * `finally` that threw while being halted because of `error`), in the order they happened.
 * Skein's rule for several failures: the first one is thrown, and the later ones are attached
 * to it, never put in its place. Only object errors can carry them; for others this is empty.
 *
 * @example
 * ```ts
 * import { run, scoped, spawn, suppressedErrors, suspend } from "@skein/core";
 *
 * await run(function* () {
 *   try {
 *     yield* scoped(function* () {
 *       yield* spawn(function* () {
 *         try { yield* suspend(); } finally { throw new Error("cleanup failed"); }
 *       });
 *       throw new Error("first");
 *     });
 *   } catch (error) {
 *     console.log((error as Error).message); // "first"
 *     console.log(suppressedErrors(error)); // [Error: cleanup failed]
 *   }
 * });
 * ```
 *
 * @param error - an error thrown by a Skein operation
 * @returns the errors attached to it
 */
export function suppressedErrors(error: unknown): readonly unknown[] {
  if (typeof error !== "object" || error === null) return [];
  return (error as { [SUPPRESSED]?: unknown[] })[SUPPRESSED] ?? [];
}

/** Internal. Attach `later` to `first` (and what was attached to `later`), unless the same. */
export function suppress(first: unknown, later: unknown): void {
  if (first === later || typeof first !== "object" || first === null) return;
  const holder = first as { [SUPPRESSED]?: unknown[] };
  let list = holder[SUPPRESSED];
  if (list === undefined) {
    list = [];
    try {
      Object.defineProperty(first, SUPPRESSED, { value: list, configurable: true });
    } catch {
      return; // a frozen error cannot carry them
    }
  }
  if (!list.includes(later)) list.push(later);
}
