import { InstructionOperation } from "./engine/instruction.js";
import { NEXT, type TaskImpl } from "./engine/task.js";
import { realTimekeeper, timekeeperOf } from "./timekeeper.js";
import type { Operation } from "./types.js";

class Sleep extends InstructionOperation<void> {
  constructor(private ms: number) {
    super();
  }
  enter(task: TaskImpl): void {
    const epoch = task.epoch;
    const time = timekeeperOf(task);
    if (time === realTimekeeper) {
      const id = setTimeout(() => task.resumeAt(epoch, NEXT, undefined), this.ms);
      task.teardown = () => clearTimeout(id);
    } else {
      task.teardown = time.setTimer(this.ms, () => task.resumeAt(epoch, NEXT, undefined));
    }
  }
}

/**
 * Wait `ms` milliseconds (on the scope's {@link Timekeeper}: real time, or a test's virtual
 * clock). Halting the sleeping task clears the timer.
 *
 * @example
 * ```ts
 * import { run, sleep } from "@skein/core";
 *
 * await run(function* () {
 *   yield* sleep(10);
 * });
 * ```
 *
 * @param ms - milliseconds to wait
 * @returns an operation that completes after `ms`
 */
export function sleep(ms: number): Operation<void> {
  return new Sleep(ms);
}
