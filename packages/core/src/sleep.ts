import { InstructionOperation, NEXT } from "./engine/instruction.js";
import type { TaskImpl } from "./engine/task.js";
import { MAX_TIMER_MS, realTimekeeper, type TimerHandle, timekeeperOf } from "./timekeeper.js";
import type { Operation } from "./types.js";

/** The teardown of a sleeping task: clears its timer, and says until when it sleeps. */
class SleepTimer {
  constructor(
    private readonly timer: ReturnType<typeof setTimeout> | TimerHandle,
    private readonly until: number,
    private readonly virtual: boolean,
  ) {}
  cancel(): void {
    const timer = this.timer;
    if (typeof (timer as Partial<TimerHandle>).cancel === "function") {
      (timer as TimerHandle).cancel();
    } else clearTimeout(timer as ReturnType<typeof setTimeout>);
  }
  describeWait(): string {
    const when = new Date(this.until);
    const until = Number.isNaN(when.getTime())
      ? "sleep forever"
      : `sleep until ${when.toISOString()}`;
    return `${until}${this.virtual ? " (virtual)" : ""}`;
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
    // setTimeout directly where it can: a timer handle of its own costs an allocation more.
    if (time === realTimekeeper && this.ms <= MAX_TIMER_MS) {
      const id = setTimeout(() => task.resumeAt(epoch, NEXT, undefined), this.ms);
      task.suspend(new SleepTimer(id, until, false));
    } else {
      const timer = time.setTimer(this.ms, () => task.resumeAt(epoch, NEXT, undefined));
      task.suspend(new SleepTimer(timer, until, time !== realTimekeeper));
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
