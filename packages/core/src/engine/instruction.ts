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

  abstract enter(task: TaskImpl): void;

  [Symbol.iterator](): Iterator<Instruction, T, unknown> {
    this.yielded = false;
    return this;
  }

  next(value?: unknown): IteratorResult<Instruction, T> {
    if (this.yielded) return { done: true, value: value as T };
    this.yielded = true;
    return { done: false, value: this };
  }

  throw(error: unknown): IteratorResult<Instruction, T> {
    throw error;
  }

  return(value?: unknown): IteratorResult<Instruction, T> {
    return { done: true, value: value as T };
  }
}
