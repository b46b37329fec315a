import { action } from "./action.js";
import type { Operation } from "./types.js";

/**
 * Wait until `signal` is aborted and return its `reason`; returns at once if it already is.
 * The listener is removed when the operation ends, also when it is halted first.
 *
 * @example
 * ```ts
 * import { onAbort, race, run, suspend } from "@skein/core";
 *
 * const controller = new AbortController();
 * const task = run(() => race([onAbort(controller.signal), suspend()]));
 * controller.abort(new Error("user cancelled"));
 * console.log(await task); // Error: user cancelled
 * ```
 *
 * @param signal - the signal to watch
 * @returns an operation yielding the abort reason
 */
export function onAbort(signal: AbortSignal): Operation<unknown> {
  return action<unknown>((resolve) => {
    if (signal.aborted) {
      resolve(signal.reason);
      return () => {};
    }
    const listener = () => resolve(signal.reason);
    signal.addEventListener("abort", listener, { once: true });
    return () => signal.removeEventListener("abort", listener);
  });
}

/**
 * The same as {@link onAbort}, under the name used by other adapters (`from*`).
 *
 * @example
 * ```ts
 * import { fromAbortSignal, run } from "@skein/core";
 *
 * const controller = new AbortController();
 * controller.abort("stop");
 * console.log(await run(() => fromAbortSignal(controller.signal))); // "stop"
 * ```
 *
 * @param signal - the signal to watch
 * @returns an operation yielding the abort reason
 */
export function fromAbortSignal(signal: AbortSignal): Operation<unknown> {
  return onAbort(signal);
}
