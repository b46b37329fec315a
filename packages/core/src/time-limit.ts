import { createContext } from "./context.js";
import { InstructionOperation, NEXT } from "./engine/instruction.js";
import { Lazy } from "./engine/lazy.js";
import { OUTCOME_HALTED, type Waiter } from "./engine/scope-node.js";
import type { TaskImpl } from "./engine/task.js";
import { trapped } from "./engine/trap-scope.js";
import { spawn } from "./spawn.js";
import { type Timekeeper, type TimerHandle, useTimekeeper } from "./timekeeper.js";
import type { Operation } from "./types.js";

/** Internal. The nearest deadline of the current scope, in epoch milliseconds. */
export const DeadlineContext = createContext<number>("@skein/core/deadline", Infinity);

/** Internal. What {@link limit} returns when its own deadline fired. */
export const TIMED_OUT: unique symbol = Symbol("timed out");

/**
 * Internal. Run `operation` under a deadline at `at` (epoch milliseconds on the scope's
 * timekeeper), or `ms` from now when `after` is set. When an enclosing deadline is nearer, the
 * operation runs inline and the enclosing limit does the halting. When this deadline fires, the
 * operation is halted and, once its cleanup has run, `TIMED_OUT` is returned. A deadline already
 * past does not start the operation.
 */
export function limit<T>(at: number, operation: Operation<T>): Operation<T | typeof TIMED_OUT> {
  return new Lazy(limited<T>, at, operation, false);
}

/** Internal. {@link limit} with a deadline `ms` from now on the scope's timekeeper. */
export function limitAfter<T>(
  ms: number,
  operation: Operation<T>,
): Operation<T | typeof TIMED_OUT> {
  return new Lazy(limited<T>, ms, operation, true);
}

function* limited<T>(
  value: number,
  operation: Operation<T>,
  after: boolean,
): Generator<any, T | typeof TIMED_OUT> {
  const time = yield* useTimekeeper();
  const now = time.now();
  const at = after ? now + value : value;
  const outer = (yield* DeadlineContext.get()) ?? Infinity;
  // An enclosing deadline that has passed is already halting this task: a limit set now is in
  // its cleanup, which nothing else would bound, so it keeps a timer of its own.
  if (at >= outer && outer > now) return yield* operation;
  if (at <= now) return TIMED_OUT;
  return yield* trapped(function* () {
    yield* DeadlineContext.set(at);
    const child = yield* spawn(() => operation, { name: "time limit" });
    return yield* new TimedJoin<T>(child as TaskImpl<T>, Math.max(0, at - now), time);
  });
}

/** Wait for `child`; halt it if it is still running after `ms`. */
class TimedJoin<T> extends InstructionOperation<T | typeof TIMED_OUT> implements Waiter {
  private waiting: TaskImpl | undefined = undefined;
  private epoch = 0;
  private timer: TimerHandle | undefined = undefined;
  private fired = false;

  constructor(
    private child: TaskImpl<T>,
    private ms: number,
    private time: Timekeeper,
  ) {
    super();
  }

  enter(waiting: TaskImpl): void {
    if (this.child.done) {
      this.child.deliverTo(waiting, waiting.ticket);
      return;
    }
    this.waiting = waiting;
    this.epoch = waiting.ticket;
    this.child.addWaiter(this);
    // Relative to when the limit was set, so timers set in one tick fire in order of their delays.
    this.timer = this.time.setTimer(this.ms, this.fire);
    waiting.suspend(this);
  }

  describeWait(): string {
    return `task ${this.child.name ?? "(unnamed)"} under a time limit of ${this.ms} ms`;
  }

  private fire = (): void => {
    this.timer = undefined;
    this.fired = true;
    this.child.halt();
  };

  settled(): void {
    this.timer?.cancel();
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
    this.timer?.cancel();
    this.timer = undefined;
    if (this.waiting === undefined) return;
    this.waiting = undefined;
    this.child.removeWaiter(this);
  }
}
