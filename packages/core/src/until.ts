import type { Instruction } from "./engine/instruction.js";
import { PromiseWait } from "./engine/promise-wait.js";
import type { TaskImpl } from "./engine/task.js";
import type { Operation } from "./types.js";

// Not derived from InstructionOperation: a flat class constructs faster, and every step of an
// async loop makes one.
class Until<T> implements Operation<T>, Iterator<Instruction, T, unknown>, Instruction {
  /** Keeps this class's hidden class alive (see `TaskImpl.dormant` in the engine). */
  static readonly dormant: Until<never> = new Until(new Promise<never>(() => {}));
  private yielded: boolean;
  // Its own iterator result, for both steps (read before the next call, so rewritten in place):
  // no allocation per step, and one more shape (not one per class) where results are read.
  done: boolean;
  value: unknown;
  constructor(private promise: PromiseLike<T>) {
    this.yielded = false;
    this.done = false;
    this.value = undefined;
  }
  [Symbol.iterator](): Iterator<Instruction, T, unknown> {
    this.yielded = false;
    return this;
  }
  next(value?: unknown): IteratorResult<Instruction, T> {
    if (this.yielded) {
      this.done = true;
      this.value = value;
    } else {
      this.yielded = true;
      this.done = false;
      this.value = this;
    }
    return this as unknown as IteratorResult<Instruction, T>;
  }
  throw(error: unknown): IteratorResult<Instruction, T> {
    throw error;
  }
  return(value?: unknown): IteratorResult<Instruction, T> {
    return { done: true, value: value as T };
  }
  enter(task: TaskImpl): void {
    (task.promiseWait ??= new PromiseWait(task)).wait(this.promise);
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
