import type { Operation } from "../types.js";
import { InstructionOperation, NEXT } from "./instruction.js";
import type { TaskImpl } from "./task.js";

class Halting extends InstructionOperation<boolean> {
  enter(task: TaskImpl): void {
    task.resume(NEXT, task.halted);
  }
}

/**
 * Internal. Whether the current task is being halted. Patterns that catch errors to start over
 * (`retry()`, `supervise()`) ask it first: an error that reaches them during a halt is the
 * halt's cleanup failing, not a reason to begin again.
 */
export function halting(): Operation<boolean> {
  return new Halting();
}
