import { InstructionOperation, NEXT } from "./engine/instruction.js";
import type { TaskImpl } from "./engine/task.js";
import type { Operation } from "./types.js";
import { type WaitLink, WaitList } from "./wait-list.js";

/**
 * A flag that tasks can wait on, like asyncio's `Event`: `set()` wakes every waiter, and
 * `wait()` returns at once while the flag is set.
 *
 * @example
 * ```ts
 * import { createEvent, type EventFlag } from "@skein/core";
 *
 * const ready: EventFlag = createEvent();
 * ```
 */
export interface EventFlag {
  /** Whether the flag is set. */
  readonly isSet: boolean;
  /** Set the flag and wake every waiting task. Callable from plain callbacks. */
  set(): void;
  /** Clear the flag; later `wait()`s block until the next `set()`. */
  reset(): void;
  /** Wait until the flag is set. */
  wait(): Operation<void>;
}

/** Internal. The flag and its waiters. */
class Flag {
  isSet = false;
  readonly waiters = new WaitList<FlagWait>();
}

/** Internal. One task waiting for the flag. */
class FlagWait extends InstructionOperation<void> implements WaitLink<FlagWait> {
  prevWait: FlagWait | undefined = undefined;
  nextWait: FlagWait | undefined = undefined;
  waiting = false;
  task: TaskImpl | undefined = undefined;
  epoch = 0;

  constructor(private flag: Flag) {
    super();
  }

  enter(task: TaskImpl): void {
    if (this.flag.isSet) {
      task.resume(NEXT, undefined);
      return;
    }
    this.task = task;
    this.flag.waiters.push(this);
    this.epoch = task.suspend(this);
  }

  cancel(): void {
    this.flag.waiters.remove(this);
  }
}

/**
 * Create an event flag, initially clear.
 *
 * @example
 * ```ts
 * import { createEvent, run, spawn } from "@skein/core";
 *
 * await run(function* () {
 *   const ready = createEvent();
 *   yield* spawn(function* () {
 *     ready.set();
 *   });
 *   yield* ready.wait();
 * });
 * ```
 *
 * @returns the event flag
 */
export function createEvent(): EventFlag {
  const flag = new Flag();
  return {
    get isSet() {
      return flag.isSet;
    },
    set() {
      if (flag.isSet) return;
      flag.isSet = true;
      for (let w = flag.waiters.shift(); w !== undefined; w = flag.waiters.shift()) {
        w.task!.resumeAt(w.epoch, NEXT, undefined);
      }
    },
    reset() {
      flag.isSet = false;
    },
    wait: () => new FlagWait(flag),
  };
}
