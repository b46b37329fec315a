import { InstructionOperation, NEXT } from "./engine/instruction.js";
import type { TaskImpl } from "./engine/task.js";
import { realTimekeeper, type TimerHandle, timekeeperOf } from "./timekeeper.js";
import type { Operation } from "./types.js";

/** The teardown of a sleeping task: clears its timer, and says until when it sleeps. */
class SleepTimer {
  constructor(
    private readonly timer: ReturnType<typeof setTimeout> | TimerHandle,
    private readonly until: number,
    private readonly virtual: boolean,
  ) {}
  cancel(): void {
    if (this.virtual) (this.timer as TimerHandle).cancel();
    else clearTimeout(this.timer as ReturnType<typeof setTimeout>);
  }
  describeWait(): string {
    return `sleep until ${new Date(this.until).toISOString()}${this.virtual ? " (virtual)" : ""}`;
  }
}

class Sleep extends InstructionOperation<void> {
  constructor(private ms: number) {
    super();
  }
  enter(task: TaskImpl): void {
    const epoch = task.ticket;
    const time = timekeeperOf(task);
    const until = time.now() + this.ms;
    if (time === realTimekeeper) {
      const id = setTimeout(() => task.resumeAt(epoch, NEXT, undefined), this.ms);
      task.suspend(new SleepTimer(id, until, false));
    } else {
      const timer = time.setTimer(this.ms, () => task.resumeAt(epoch, NEXT, undefined));
      task.suspend(new SleepTimer(timer, until, true));
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
