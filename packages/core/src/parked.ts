import { InstructionOperation, NEXT, THROW } from "./engine/instruction.js";
import type { TaskImpl } from "./engine/task.js";
import type { WaitLink, WaitList } from "./wait-list.js";

/**
 * Internal. A task parked on a {@link WaitList} until something wakes it with a value (or an
 * error). A task halted while parked leaves the list; `woken` tells a waker's cleanup whether
 * the wake-up reached it first.
 */
export class Parked<T> extends InstructionOperation<T> implements WaitLink<Parked<T>> {
  prevWait: Parked<T> | undefined = undefined;
  nextWait: Parked<T> | undefined = undefined;
  waiting = false;
  woken = false;
  task: TaskImpl | undefined = undefined;
  private epoch = 0;

  constructor(
    private list: WaitList<Parked<T>>,
    /** What the task waits on, for inspection. */
    private what: string | (() => string),
  ) {
    super();
  }

  describeWait(): string {
    return typeof this.what === "string" ? this.what : this.what();
  }

  enter(task: TaskImpl): void {
    this.task = task;
    this.list.push(this);
    this.epoch = task.suspend(this);
  }

  wake(value: T): void {
    this.woken = true;
    this.task!.resumeAt(this.epoch, NEXT, value);
  }

  fail(error: unknown): void {
    this.woken = true;
    this.task!.resumeAt(this.epoch, THROW, error);
  }

  cancel(): void {
    this.list.remove(this);
  }
}

/** Internal. The wait list type of {@link Parked}. */
export type ParkedList<T> = WaitList<Parked<T>>;
