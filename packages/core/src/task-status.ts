import type { Instruction } from "./engine/instruction.js";
import type { Operation, Task } from "./types.js";
import { withResolvers } from "./with-resolvers.js";

/**
 * What a child started with a task group's `start()` gets, like Trio's `TaskStatus`: it calls
 * `started(value)` once it is ready (listening, connected), and `start()` returns that value.
 *
 * @example
 * ```ts
 * import { suspend, type TaskStatus } from "@skein/core";
 *
 * function* server(status: TaskStatus<number>) {
 *   const port = 8080; // ... bind
 *   status.started(port);
 *   yield* suspend();
 * }
 * ```
 */
export interface TaskStatus<V> {
  /** Say the child is ready; the first call counts, later ones are ignored. */
  started(value: V): void;
}

/**
 * Thrown by a task group's `start()` when the child returned without calling
 * `status.started()`. Its `code` is `"not-started"`.
 *
 * @example
 * ```ts
 * import { TaskStartError } from "@skein/core";
 *
 * console.log(new TaskStartError().code); // "not-started"
 * ```
 */
export class TaskStartError extends Error {
  readonly code = "not-started";
  override name = "TaskStartError";
  constructor() {
    super("the child returned without calling status.started()");
  }
}

/**
 * Internal. Spawn `operation` with `spawn` and wait until it reports ready. A failure before
 * that is thrown here rather than failing the group, as with Trio's `nursery.start`; after it,
 * the child is an ordinary member of the group.
 */
export function* startChild<V, T>(
  spawn: (operation: () => Operation<T | undefined>) => Operation<Task<T | undefined>>,
  operation: (status: TaskStatus<V>) => Operation<T>,
): Generator<Instruction, V, unknown> {
  const ready = withResolvers<V>();
  let started = false;
  const status: TaskStatus<V> = {
    started(value) {
      if (started) return;
      started = true;
      ready.resolve(value);
    },
  };
  yield* spawn(function* () {
    try {
      const value = yield* operation(status);
      if (!started) {
        started = true;
        ready.reject(new TaskStartError());
      }
      return value;
    } catch (error) {
      if (started) throw error;
      started = true;
      ready.reject(error as Error);
      return undefined;
    }
  }) as Operation<unknown> as Generator<Instruction, unknown, unknown>;
  return yield* ready.operation as unknown as Generator<Instruction, V, unknown>;
}
