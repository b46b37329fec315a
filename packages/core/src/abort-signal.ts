import { resource } from "./resource.js";
import type { Operation } from "./types.js";

/**
 * An `AbortSignal` that aborts when the current scope ends (return, error or halt). Pass it to
 * APIs such as `fetch` so their work stops with the operation.
 *
 * @example
 * ```ts
 * import { run, until, useAbortSignal } from "@skein/core";
 *
 * await run(function* () {
 *   const signal = yield* useAbortSignal();
 *   const response = yield* until(fetch("http://127.0.0.1:1", { signal }).catch(() => null));
 * });
 * ```
 *
 * @returns an operation yielding the signal
 */
export function useAbortSignal(): Operation<AbortSignal> {
  return resource<AbortSignal>(
    function* (provide) {
      const controller = new AbortController();
      try {
        yield* provide(controller.signal);
      } finally {
        controller.abort();
      }
    },
    { name: "abort signal" },
  );
}
