import type { Future } from "../types.js";
import { type Instruction, InstructionOperation } from "./instruction.js";
import type { Waiter } from "./scope-node.js";
import type { TaskImpl } from "./task.js";

/**
 * Internal. The bridge between a task's outcome and its waiters: `yield* task` (Join) and
 * `task.halt()` (HaltFuture). The task's own promise, for `await task`, is made in task.ts only
 * when asked for.
 */

/** Internal. `yield* task`: wait for a task and take on its outcome. */
export class Join<T> extends InstructionOperation<T> implements Waiter {
  private waiting: TaskImpl | undefined = undefined;
  private epoch = 0;
  constructor(private task: TaskImpl<T>) {
    super();
  }
  enter(waiting: TaskImpl): void {
    if (this.task.done) {
      this.task.observed();
      this.task.deliverTo(waiting, waiting.ticket);
      return;
    }
    this.waiting = waiting;
    this.task.addWaiter(this);
    this.epoch = waiting.suspend(this);
  }
  settled(): void {
    const waiting = this.waiting;
    if (waiting === undefined) return;
    this.waiting = undefined;
    this.task.deliverTo(waiting, this.epoch);
  }
  cancel(): void {
    if (this.waiting === undefined) return;
    this.waiting = undefined;
    this.task.removeWaiter(this);
  }
  /** For inspection: the task it waits for. */
  describeWait(): string {
    return `task ${this.task.name ?? "(unnamed)"}`;
  }
}

/**
 * Internal. `task.halt()`: awaitable and yieldable; fails only if halting the task made it
 * fail (its cleanup threw).
 */
export class HaltFuture implements Future<void> {
  constructor(private task: TaskImpl) {}

  // biome-ignore lint/suspicious/noThenProperty: a future is a promise by design
  then<R1 = void, R2 = never>(
    onfulfilled?: ((value: void) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.task
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        if (this.task.failedInHalt) throw this.task.result;
      })
      .then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: any) => R | PromiseLike<R>) | null): Promise<void | R> {
    return this.then(undefined, onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<void> {
    return this.then().finally(onfinally);
  }

  get [Symbol.toStringTag](): string {
    return "Future";
  }

  *[Symbol.iterator](): Generator<Instruction, void, unknown> {
    try {
      yield* this.task;
    } catch (error) {
      if (this.task.failedInHalt) throw error;
    }
  }
}
