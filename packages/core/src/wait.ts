import { TaskImpl } from "./engine/task.js";
import { HaltError } from "./errors.js";
import { createQueue } from "./queue.js";
import { scoped } from "./scoped.js";
import { spawn } from "./spawn.js";
import type { Operation, Task } from "./types.js";

/**
 * When {@link wait} returns: after the first task finishes in any way, after the first failure
 * (or when all have finished without one), or after all have finished.
 *
 * @example
 * ```ts
 * import type { ReturnWhen } from "@skein/core";
 *
 * const when: ReturnWhen = "first-error";
 * ```
 */
export type ReturnWhen = "first-completed" | "first-error" | "all-completed";

/**
 * What {@link wait} returns: the tasks that have finished and those still running.
 *
 * @example
 * ```ts
 * import type { Task, WaitResult } from "@skein/core";
 *
 * function finished<T>(result: WaitResult<T>): readonly Task<T>[] {
 *   return result.done;
 * }
 * ```
 */
export interface WaitResult<T> {
  /** Finished tasks (succeeded, failed or halted), in the order they finished. */
  readonly done: readonly Task<T>[];
  /** Tasks still running, in the order given. */
  readonly pending: readonly Task<T>[];
}

/**
 * Wait for some of `tasks` to finish, like asyncio's `wait`: by default until the first one
 * finishes. Unlike `race()` nothing is halted: the pending tasks keep running in their own
 * scopes, and `yield* task` gets a finished task's value or error. A halted task counts as
 * finished, not as failed.
 *
 * @example
 * ```ts
 * import { run, sleep, spawn, wait } from "@skein/core";
 *
 * await run(function* () {
 *   const fast = yield* spawn(function* () { yield* sleep(10); return "fast"; });
 *   const slow = yield* spawn(function* () { yield* sleep(1_000); return "slow"; });
 *   const { done, pending } = yield* wait([fast, slow]);
 *   console.log(yield* done[0]!); // "fast"
 *   console.log(pending.length); // 1: slow goes on
 * });
 * ```
 *
 * @param tasks - tasks started with `spawn()` or `scope.run()`
 * @param options - `returnWhen`, default `"first-completed"`
 * @returns the finished and the pending tasks
 */
export function wait<T>(
  tasks: Iterable<Task<T>>,
  options: { returnWhen?: ReturnWhen } = {},
): Operation<WaitResult<T>> {
  const list = [...tasks];
  const { returnWhen = "first-completed" } = options;
  if (list.length === 0) throw new TypeError("wait(): tasks must not be empty");
  if (!["first-completed", "first-error", "all-completed"].includes(returnWhen)) {
    throw new TypeError(
      `wait(): returnWhen must be "first-completed", "first-error" or "all-completed", got ${String(returnWhen)}`,
    );
  }
  return scoped(function* () {
    const finished = createQueue<{ index: number; failed: boolean }, never>();
    for (let index = 0; index < list.length; index++) {
      const task = list[index]!;
      // A watcher: halting it when this scope ends stops the watching, not the task.
      yield* spawn(
        function* () {
          try {
            yield* task;
            finished.add({ index, failed: false });
          } catch (error) {
            finished.add({ index, failed: !(error instanceof HaltError) });
          }
        },
        { name: `wait() watching #${index}` },
      );
    }
    const done: number[] = [];
    while (done.length < list.length) {
      const { value } = yield* finished.next();
      const { index, failed } = value as { index: number; failed: boolean };
      done.push(index);
      if (returnWhen === "first-completed") break;
      if (returnWhen === "first-error" && failed) break;
    }
    // Others may have finished in the same step, before their watchers ran.
    for (let i = 0; i < list.length; i++) {
      const task = list[i];
      if (!done.includes(i) && task instanceof TaskImpl && task.done) done.push(i);
    }
    return {
      done: done.map((i) => list[i]!),
      pending: list.filter((_, i) => !done.includes(i)),
    };
  });
}
