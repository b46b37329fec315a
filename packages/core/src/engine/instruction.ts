import type { Operation } from "../types.js";
import type { TaskImpl } from "./task.js";

/** Internal. How a task resumes: with a value, with an error thrown in, or by returning. */
export const NEXT = 0;
export const THROW = 1;
export const RETURN = 2;
export type Mode = typeof NEXT | typeof THROW | typeof RETURN;

/**
 * Internal. What an operation yields to the engine: a request that the engine carries out for
 * the running task. `enter` must either call `task.resume()` at once, or `task.suspend(teardown)`
 * and later call `task.resumeAt(ticket, ...)` with the ticket that returned (from a callback:
 * the engine drops a resumption whose ticket is stale), or stay suspended until the task is
 * halted. The teardown undoes the instruction's work when the task moves on or is halted.
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
  // Declared, not initialized as a class field: a field initializer in a base class runs as a
  // define on every subclass's shape, which V8 handles through a slow path once it has seen
  // more than four shapes (constructing was ~18x slower). A plain assignment stays fast.
  private declare yielded: boolean;

  constructor() {
    this.yielded = false;
  }

  abstract enter(task: TaskImpl): void;

  [Symbol.iterator](): Iterator<Instruction, T, unknown> {
    this.yielded = false;
    return this;
  }

  // A fresh result each time rather than the instruction itself: the engine and every `yield*`
  // read `done` and `value` off these, and one shape for all of them keeps those reads
  // polymorphic where a shape per instruction class would make them megamorphic.
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
