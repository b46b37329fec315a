import { InstructionOperation, NEXT, THROW } from "./engine/instruction.js";
import type { TaskImpl } from "./engine/task.js";
import type { Operation, Reject, Resolve } from "./types.js";
import { describeText, type WaitDescription } from "./waiting-for.js";

/** The cleanup of an action that says what its task waits on. */
class DescribedCleanup {
  constructor(
    private undo: () => void,
    private what: WaitDescription,
  ) {}
  cancel(): void {
    this.undo();
  }
  describeWait(): string {
    return describeText(this.what);
  }
}

class Action<T> extends InstructionOperation<T> {
  constructor(
    private executor: (resolve: Resolve<T>, reject: Reject) => () => void,
    private description: WaitDescription | undefined,
  ) {
    super();
  }
  enter(task: TaskImpl): void {
    const epoch = task.ticket;
    const undo = this.executor(
      (value) => task.resumeAt(epoch, NEXT, value),
      (error) => task.resumeAt(epoch, THROW, error),
    );
    const description = this.description;
    task.suspend(description === undefined ? undo : new DescribedCleanup(undo, description));
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
 * @param description - what the waiting task waits on, for `inspect()` and `skein ps`: a
 *   string, or a function read only when the tree is read (cheaper than a `waitingFor()`)
 * @returns an operation yielding the resolved value
 */
export function action<T>(
  executor: (resolve: Resolve<T>, reject: Reject) => () => void,
  description?: WaitDescription,
): Operation<T> {
  return new Action(executor, description);
}
