import type { TaskImpl } from "./task.js";

/**
 * Internal. An operation's iterator that needs its task before its first step gets it by
 * yielding itself as an instruction, which costs one trip through the engine. A wrapper that
 * already has the task, and starts such an iterator synchronously within the same step, hands
 * the task over through this method instead.
 */
export const BIND_TASK: unique symbol = Symbol("@skein/core bind task");

/** Internal. An iterator that takes its task through {@link BIND_TASK}. */
export interface TaskBindable {
  [BIND_TASK](task: TaskImpl): void;
}

/**
 * Internal. Give `iterator` its task if it takes one; it must have been started by the code that
 * runs in `task`'s current step, before its first `next()`.
 *
 * @param iterator - the iterator just started
 * @param task - the task that will drive it
 */
export function bindTask(iterator: object, task: TaskImpl): void {
  const bind = (iterator as Partial<TaskBindable>)[BIND_TASK];
  if (bind !== undefined) bind.call(iterator, task);
}
