import { NEXT, THROW } from "./instruction.js";
import { TaskImpl } from "./task.js";

/**
 * Internal. The promise handlers of one task, made once and reused by each `until()` it runs in
 * sequence, so waiting on a promise allocates no closures. A wait abandoned by a halt detaches
 * the pair from the task: the abandoned promise can still settle later, and its handlers must
 * then find themselves stale.
 */
export class PromiseWait {
  /** Internal. Keeps this class's hidden class alive (see `TaskImpl.dormant`). */
  static readonly dormant: PromiseWait = new PromiseWait(TaskImpl.dormant);
  readonly onFulfilled: (value: unknown) => void;
  readonly onRejected: (error: unknown) => void;
  private active = false;

  constructor(private task: TaskImpl) {
    this.onFulfilled = (value) => this.settle(NEXT, value);
    this.onRejected = (error) => this.settle(THROW, error);
  }

  /** Called by `until()` as it starts waiting on `promise`. */
  wait(promise: PromiseLike<unknown>): void {
    this.active = true;
    this.task.teardown = this;
    promise.then(this.onFulfilled, this.onRejected);
  }

  private settle(mode: typeof NEXT | typeof THROW, value: unknown): void {
    if (!this.active) return;
    this.active = false;
    const task = this.task;
    if (task.teardown === this) task.teardown = undefined;
    task.resume(mode, value);
  }

  /** The task stopped waiting before the promise settled. */
  cancel(): void {
    this.active = false;
    if (this.task.promiseWait === this) this.task.promiseWait = undefined;
  }
}
