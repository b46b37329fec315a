import type { Clock } from "./clock.js";
import { createContext } from "./context.js";
import { InstructionOperation, NEXT } from "./engine/instruction.js";
import type { TaskImpl } from "./engine/task.js";
import type { Operation } from "./types.js";

/**
 * A clock that can also wake you: where every timed primitive of Skein (`sleep`, `timeout`,
 * `deadline`, `moveOnAfter`, `interval`, `retry` backoff, rate limiters, `useDeadline`,
 * supervision windows) reads the time and sets its timers. The scope's timekeeper is the real
 * one ({@link realTimekeeper}) unless a test installed a virtual clock with `useVirtualClock()`
 * from `@skein/core/test`.
 *
 * @example
 * ```ts
 * import { run, useTimekeeper } from "@skein/core";
 *
 * await run(function* () {
 *   const time = yield* useTimekeeper();
 *   const timer = time.setTimer(100, () => console.log("fired"));
 *   timer.cancel();
 * });
 * ```
 */
export interface Timekeeper extends Clock {
  /** Epoch milliseconds (the real clock's `Date.now()`, or the virtual time). */
  now(): number;
  /** Call `fire` once, `ms` milliseconds from now; `cancel()` before then stops it. */
  setTimer(ms: number, fire: () => void): TimerHandle;
}

/**
 * A timer set with {@link Timekeeper.setTimer}.
 *
 * @example
 * ```ts
 * import { realTimekeeper, type TimerHandle } from "@skein/core";
 *
 * const timer: TimerHandle = realTimekeeper.setTimer(10, () => {});
 * timer.cancel();
 * ```
 */
export interface TimerHandle {
  /** Stop the timer; does nothing once it has fired. */
  cancel(): void;
}

/**
 * Internal. The longest delay setTimeout and setInterval take: a longer one (Infinity
 * included) fires after 1 ms, so long waits are re-armed in steps.
 */
export const MAX_TIMER_MS = 2_147_483_647;

class RealTimer implements TimerHandle {
  private id: ReturnType<typeof setTimeout>;
  constructor(
    ms: number,
    private fire: () => void,
  ) {
    this.id = this.arm(ms);
  }
  private arm(ms: number): ReturnType<typeof setTimeout> {
    if (ms <= MAX_TIMER_MS) return setTimeout(this.fire, ms);
    return setTimeout(() => {
      this.id = this.arm(ms - MAX_TIMER_MS);
    }, MAX_TIMER_MS);
  }
  cancel(): void {
    clearTimeout(this.id);
  }
}

/**
 * The real timekeeper: `Date.now()` and `setTimeout`. It is the default of every scope.
 *
 * @example
 * ```ts
 * import { realTimekeeper } from "@skein/core";
 *
 * console.log(realTimekeeper.now() <= Date.now());
 * ```
 */
export const realTimekeeper: Timekeeper = Object.freeze({
  now: () => Date.now(),
  setTimer: (ms: number, fire: () => void): TimerHandle => new RealTimer(ms, fire),
});

/**
 * Internal. The timekeeper of the current scope; `useVirtualClock()` sets it for a test.
 */
export const TimekeeperContext = createContext<Timekeeper>(
  "@skein/core/timekeeper",
  realTimekeeper,
);

class CurrentTimekeeper extends InstructionOperation<Timekeeper> {
  enter(task: TaskImpl): void {
    task.resume(NEXT, timekeeperOf(task));
  }
}

/** Internal. The timekeeper a task's scope sees. */
export function timekeeperOf(task: TaskImpl): Timekeeper {
  return task.scope.get(TimekeeperContext) ?? realTimekeeper;
}

/**
 * The timekeeper of the current scope: the real one, or the virtual clock a test installed.
 * Code of your own that needs the time or a timer and should follow a test's virtual clock
 * reads it from here instead of `Date.now()` and `setTimeout`.
 *
 * @example
 * ```ts
 * import { run, useTimekeeper } from "@skein/core";
 *
 * await run(function* () {
 *   const time = yield* useTimekeeper();
 *   console.log(new Date(time.now()).toISOString());
 * });
 * ```
 *
 * @returns an operation yielding the scope's {@link Timekeeper}
 */
export function useTimekeeper(): Operation<Timekeeper> {
  return new CurrentTimekeeper();
}
