import { Lazy } from "./engine/lazy.js";
import { runGroup, type TaskGroup } from "./task-group.js";
import type { Operation } from "./types.js";

/** Options of {@link supervisorGroup}.
 *
 * @example
 * ```ts
 * import { supervisorGroup, type SupervisorOptions } from "@skein/core";
 *
 * const options: SupervisorOptions = { onError: (error) => console.error("worker failed", error) };
 * ```
 */
export interface SupervisorOptions {
  /**
   * Told of each child that fails, when it fails. If it throws, the group fails with that
   * error and halts the remaining children.
   */
  onError(error: unknown): void;
}

/**
 * Run `body` with a supervising task group: a child that fails is reported to `onError` and
 * the siblings keep running; the group never fails because of a child. Like a task group, it
 * returns once every child has finished, and halts them if the body itself fails (the body's
 * error is thrown as is).
 *
 * @example
 * ```ts
 * import { run, supervisorGroup } from "@skein/core";
 *
 * await run(() =>
 *   supervisorGroup({ onError: (error) => console.error("worker failed", error) }, function* (group) {
 *     yield* group.spawn(function* () { throw new Error("one bad worker"); });
 *     yield* group.spawn(function* () { return "fine"; });
 *   }),
 * );
 * ```
 *
 * @param options - `onError`: called with each child's failure
 * @param body - starts children with `group.spawn`
 * @returns the body's value, once every child has finished
 */
export function supervisorGroup<T>(
  options: SupervisorOptions,
  body: (group: TaskGroup) => Operation<T>,
): Operation<T> {
  if (typeof options?.onError !== "function") {
    throw new TypeError(
      `supervisorGroup(): options.onError must be a function, received ${String(options?.onError)}`,
    );
  }
  const onError = options.onError;
  return new Lazy(runGroup<T>, body, onError, undefined);
}
