import { createContext } from "./context.js";
import { InstructionOperation } from "./engine/instruction.js";
import { Lazy } from "./engine/lazy.js";
import { NEXT, OUTCOME_HALTED, type TaskImpl, type Waiter } from "./engine/task.js";
import { trapped } from "./engine/trap-scope.js";
import { spawn } from "./spawn.js";
import type { Operation } from "./types.js";

/** Internal. The nearest deadline of the current scope, in epoch milliseconds. */
export const DeadlineContext = createContext<number>("@skein/core/deadline", Infinity);

/** Internal. What {@link limit} returns when its own deadline fired. */
export const TIMED_OUT: unique symbol = Symbol("timed out");

/** setTimeout fires at once for longer delays, so long waits are re-armed in steps. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Internal. Run `operation` under a deadline at `at` (epoch milliseconds). When an enclosing
 * deadline is nearer, the operation runs inline and the enclosing limit does the halting. When
 * this deadline fires, the operation is halted and, once its cleanup has run, `TIMED_OUT` is
 * returned. A deadline already past does not start the operation.
 */
export function limit<T>(at: number, operation: Operation<T>): Operation<T | typeof TIMED_OUT> {
  return new Lazy(limited<T>, at, operation, undefined);
}

function* limited<T>(at: number, operation: Operation<T>): Generator<any, T | typeof TIMED_OUT> {
  const outer = (yield* DeadlineContext.get()) ?? Infinity;
  // An enclosing deadline that has passed is already halting this task: a limit set now is in
  // its cleanup, which nothing else would bound, so it keeps a timer of its own.
  if (at >= outer && outer > Date.now()) return yield* operation;
  if (at <= Date.now()) return TIMED_OUT;
  return yield* trapped(function* () {
    yield* DeadlineContext.set(at);
    const child = yield* spawn(() => operation);
    return yield* new TimedJoin<T>(child as TaskImpl<T>, at);
  });
}

/** Wait for `child`; halt it if it is still running at `at`. */
class TimedJoin<T> extends InstructionOperation<T | typeof TIMED_OUT> implements Waiter {
  private waiting: TaskImpl | undefined = undefined;
  private epoch = 0;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private fired = false;
  private capped = false;

  constructor(
    private child: TaskImpl<T>,
    private at: number,
  ) {
    super();
  }

  enter(waiting: TaskImpl): void {
    if (this.child.done) {
      this.child.deliverTo(waiting, waiting.epoch);
      return;
    }
    this.waiting = waiting;
    this.epoch = waiting.epoch;
    this.child.addWaiter(this);
    this.arm();
    waiting.teardown = this;
  }

  private arm(): void {
    const delay = Math.max(0, this.at - Date.now());
    this.capped = delay > MAX_TIMER_MS;
    this.timer = setTimeout(this.fire, this.capped ? MAX_TIMER_MS : delay);
  }

  // Only a capped wait re-checks the time: timers created in one tick must fire in order of
  // their delays, which comparing with Date.now() (fresher than the timer's base) would break.
  private fire = (): void => {
    this.timer = undefined;
    if (this.capped) {
      this.arm();
      return;
    }
    this.fired = true;
    this.child.halt();
  };

  settled(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const waiting = this.waiting;
    if (waiting === undefined) return;
    this.waiting = undefined;
    if (this.fired && this.child.outcome === OUTCOME_HALTED) {
      waiting.resumeAt(this.epoch, NEXT, TIMED_OUT);
    } else {
      this.child.deliverTo(waiting, this.epoch);
    }
  }

  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waiting === undefined) return;
    this.waiting = undefined;
    this.child.removeWaiter(this);
  }
}
