import { InstructionOperation, NEXT, THROW } from "./engine/instruction.js";
import type { TaskImpl } from "./engine/task.js";
import type { Operation, Reject, Resolve } from "./types.js";

class Action<T> extends InstructionOperation<T> {
  constructor(private executor: (resolve: Resolve<T>, reject: Reject) => () => void) {
    super();
  }
  enter(task: TaskImpl): void {
    const epoch = task.ticket;
    task.suspend(
      this.executor(
        (value) => task.resumeAt(epoch, NEXT, value),
        (error) => task.resumeAt(epoch, THROW, error),
      ),
    );
  }
}

/**
 * The operation form of `new Promise()`: `executor` starts the work and returns a function that
 * undoes it. That function always runs: after `resolve`, after `reject`, or when the waiting
 * task is halted. The executor runs again each time the operation is evaluated.
 *
 * @example
 * ```ts
 * import { action, run } from "@skein/core";
 *
 * const tick = action<string>((resolve) => {
 *   const id = setTimeout(() => resolve("tick"), 10);
 *   return () => clearTimeout(id);
 * });
 * console.log(await run(() => tick));
 * ```
 *
 * @param executor - starts the work, calls `resolve` or `reject`, returns its cleanup
 * @returns an operation yielding the resolved value
 */
export function action<T>(
  executor: (resolve: Resolve<T>, reject: Reject) => () => void,
  _description?: string,
): Operation<T> {
  return new Action(executor);
}
