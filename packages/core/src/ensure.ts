import { resource } from "./resource.js";
import type { Operation } from "./types.js";

/**
 * Run `fn` when the current scope ends (return, error or halt), like a `finally` block without
 * the nesting. `fn` may return an operation for asynchronous cleanup; it runs to completion.
 *
 * @example
 * ```ts
 * import { ensure, run } from "@skein/core";
 *
 * await run(function* () {
 *   const timer = setInterval(() => {}, 1000);
 *   yield* ensure(() => clearInterval(timer));
 * });
 * ```
 *
 * @param fn - cleanup: returns nothing, or an operation to run
 * @returns an operation that registers the cleanup
 */
export function ensure(fn: () => Operation<unknown> | void): Operation<void> {
  return resource<void>(
    function* ensured(provide) {
      try {
        yield* provide();
      } finally {
        const cleanup = fn();
        if (cleanup && typeof (cleanup as Operation<unknown>)[Symbol.iterator] === "function") {
          yield* cleanup as Operation<unknown>;
        }
      }
    },
    { name: "ensure" },
  );
}
