import { InstructionOperation, NEXT } from "../engine/instruction.js";
import { scheduler } from "../engine/scheduler.js";
import type { TaskImpl } from "../engine/task.js";
import type { Operation } from "../types.js";

/** Consecutive idle event-loop turns that count as "every task is blocked". */
const IDLE_TURNS = 2;

class WaitAllBlocked extends InstructionOperation<void> {
  enter(task: TaskImpl): void {
    const epoch = task.ticket;
    let idle = 0;
    let id: ReturnType<typeof setImmediate>;
    const check = (): void => {
      idle = scheduler.busy ? 0 : idle + 1;
      if (idle >= IDLE_TURNS) task.resumeAt(epoch, NEXT, undefined);
      else id = setImmediate(check);
    };
    id = setImmediate(check);
    task.suspend(() => clearImmediate(id));
  }
}

/**
 * Wait until every other task is blocked, like Trio's `wait_all_tasks_blocked`: nothing is
 * queued to run for two turns of the event loop in a row, so every task waits on a timer, a
 * promise, I/O or another task. Use it in tests instead of sleeping "long enough" for the other
 * tasks to reach their next wait.
 *
 * @example
 * ```ts
 * import { run, sleep, spawn } from "@skein/core";
 * import { waitAllTasksBlocked } from "@skein/core/test";
 *
 * await run(function* () {
 *   let started = false;
 *   yield* spawn(function* () {
 *     started = true;
 *     yield* sleep(1_000);
 *   });
 *   yield* waitAllTasksBlocked();
 *   console.log(started); // true
 * });
 * ```
 *
 * @returns an operation that completes once everything else waits
 */
export function waitAllTasksBlocked(): Operation<void> {
  return new WaitAllBlocked();
}
