import { InstructionOperation, type Mode, NEXT, THROW } from "./engine/instruction.js";
import { scheduler } from "./engine/scheduler.js";
import type { TaskImpl } from "./engine/task.js";
import type { Operation } from "./types.js";

/**
 * Internal. Resumes a paused task from the run queue: queued behind the tasks already waiting in
 * the task's tier, so they run first. The scheduler only reads `priority` and calls `step()`.
 */
class Wake {
  constructor(
    private task: TaskImpl,
    private epoch: number,
    private mode: Mode,
    private value: unknown,
  ) {}
  get priority(): number {
    return this.task.priority;
  }
  step(): void {
    // Dropped if the task was halted (or otherwise moved on) while it was paused.
    this.task.resumeAt(this.epoch, this.mode, this.value);
  }
}

class Lifted<TArgs extends unknown[], TReturn> extends InstructionOperation<TReturn> {
  constructor(
    private fn: (...args: TArgs) => TReturn,
    private args: TArgs,
  ) {
    super();
  }
  enter(task: TaskImpl): void {
    let mode: Mode = NEXT;
    let value: unknown;
    try {
      value = this.fn(...this.args);
    } catch (error) {
      mode = THROW;
      value = error;
    }
    scheduler.schedule(new Wake(task, task.ticket, mode, value) as unknown as TaskImpl);
  }
}

/**
 * Turn a plain function into one that returns an operation. Evaluating the operation calls the
 * function at once and then pauses the caller, as effection's `lift` does: tasks already waiting
 * to run (one the function woke up, a sibling) take their step before the caller resumes, and
 * the caller can be halted in between. So `channel.send()`, built on it, lets a receiver act on
 * a message before the next one is sent.
 *
 * @example
 * ```ts
 * import { lift, run } from "@skein/core";
 *
 * const log = lift((message: string) => console.log(message));
 * await run(function* () {
 *   yield* log("hello");
 * });
 * ```
 *
 * @param fn - the function to lift
 * @returns a function returning an operation that calls `fn`
 */
export function lift<TArgs extends unknown[], TReturn>(
  fn: (...args: TArgs) => TReturn,
): (...args: TArgs) => Operation<TReturn> {
  return (...args) => new Lifted(fn, args);
}
