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
  // Declared, not initialized as class fields: a field initializer in a base class runs as a
  // define on every subclass's shape, which V8 handles through a slow path once it has seen
  // more than four shapes (constructing was ~18x slower). Plain assignments stay on fast paths.
  private declare yielded: boolean;
  /**
   * The object is also its own iterator result, for both steps: `yield*` reads `done` and
   * `value` before the next call, so they can be rewritten in place and no result is allocated.
   */
  declare done: boolean;
  declare value: unknown;

  constructor() {
    this.yielded = false;
    this.done = false;
    this.value = undefined;
  }

  abstract enter(task: TaskImpl): void;

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
}
