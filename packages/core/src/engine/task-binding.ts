import { type Instruction, NEXT } from "./instruction.js";
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

/**
 * Internal. The base of an iterator that needs its task before its first step: it learns it by
 * yielding itself as an instruction, or takes it through {@link BIND_TASK} from a wrapper that
 * started it. A subclass's first `next()` returns {@link askForTask}'s result while it has one.
 */
export abstract class TaskAsker implements Instruction, TaskBindable {
  // Declared, then assigned: see InstructionOperation on field initializers in a base class.
  protected declare task: TaskImpl | undefined;
  protected declare asked: boolean;

  constructor() {
    this.task = undefined;
    this.asked = false;
  }

  [BIND_TASK](task: TaskImpl): void {
    this.task = task;
    this.asked = true;
  }

  enter(task: TaskImpl): void {
    this.task = task;
    task.resume(NEXT, undefined);
  }

  /** The first step's result, which yields this to learn the task; undefined once it is known. */
  protected askForTask(): IteratorResult<Instruction, never> | undefined {
    if (this.asked) return undefined;
    this.asked = true;
    return { done: false, value: this };
  }
}
