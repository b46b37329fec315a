import type { Operation } from "../types.js";
import type { TaskImpl } from "./task.js";

/**
 * Internal. What an operation yields to the engine: a request that the engine carries out for
 * the running task. `enter` must eventually call `task.resume()` (at once, or later from a
 * callback that checks `task.epoch`), or leave the task suspended until it is halted. Work to
 * undo when the task moves on or is halted goes in `task.teardown`.
 */
export interface Instruction {
  enter(task: TaskImpl): void;
}

/**
 * Internal. An operation made of one instruction. The object is its own iterator: `yield*`
 * resets it, receives it once as the yielded instruction, and then receives the value that the
 * engine resumes with. Sharing one object between tasks is safe because the reset and the first
 * `next()` happen back to back inside one synchronous step.
 */
export abstract class InstructionOperation<T>
  implements Operation<T>, Iterator<Instruction, T, unknown>, Instruction
{
  private yielded = false;
  /**
   * One result object serves both steps: `yield*` reads it before the next call, so it can be
   * rewritten in place.
   */
  private step: { done: boolean; value: unknown } | undefined = undefined;

  abstract enter(task: TaskImpl): void;

  [Symbol.iterator](): Iterator<Instruction, T, unknown> {
    this.yielded = false;
    return this;
  }

  next(value?: unknown): IteratorResult<Instruction, T> {
    const step = this.step;
    if (this.yielded) {
      if (step === undefined) return { done: true, value: value as T };
      step.done = true;
      step.value = value;
      return step as IteratorResult<Instruction, T>;
    }
    this.yielded = true;
    if (step === undefined)
      return (this.step = { done: false, value: this }) as IteratorResult<Instruction, T>;
    step.done = false;
    step.value = this;
    return step as IteratorResult<Instruction, T>;
  }

  throw(error: unknown): IteratorResult<Instruction, T> {
    throw error;
  }

  return(value?: unknown): IteratorResult<Instruction, T> {
    return { done: true, value: value as T };
  }
}
