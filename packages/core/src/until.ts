import { InstructionOperation } from "./engine/instruction.js";
import { NEXT, type TaskImpl, THROW } from "./engine/task.js";
import type { Operation } from "./types.js";

class Until<T> extends InstructionOperation<T> {
  constructor(private promise: PromiseLike<T>) {
    super();
  }
  enter(task: TaskImpl): void {
    const epoch = task.epoch;
    this.promise.then(
      (value) => task.resumeAt(epoch, NEXT, value),
      (error) => task.resumeAt(epoch, THROW, error),
    );
  }
}

/**
 * Wait for a promise. If the task is halted first, the promise's outcome is ignored (a promise
 * cannot be cancelled; pass an `AbortSignal` from {@link useAbortSignal} to the API that made
 * it when the work itself must stop).
 *
 * @example
 * ```ts
 * import { run, until } from "@skein/core";
 *
 * const text = await run(function* () {
 *   return yield* until(Promise.resolve("hello"));
 * });
 * ```
 *
 * @param promise - the promise to wait for
 * @returns an operation yielding its value or throwing its rejection
 */
export function until<T>(promise: PromiseLike<T>): Operation<T> {
  return new Until(promise);
}
