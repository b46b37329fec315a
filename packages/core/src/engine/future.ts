import type { Future } from "../types.js";
import { type Instruction, InstructionOperation, NEXT, THROW } from "./instruction.js";
import type { TaskImpl } from "./task.js";

/**
 * Internal. A value that settles once and can be waited on by any number of tasks (with
 * `yield*`) and by async code (with `await`, the promise made only when asked for).
 */
export class Deferred<T> implements Future<T> {
  settled = false;
  ok = false;
  value: unknown = undefined;
  private waiting = new Set<Wait<T>>();
  private promise: Promise<T> | undefined = undefined;

  resolve(value: T): void {
    this.settle(true, value);
  }

  reject(error: unknown): void {
    this.settle(false, error);
  }

  private settle(ok: boolean, value: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.ok = ok;
    this.value = value;
    for (const wait of this.waiting) wait.wake();
    this.waiting.clear();
  }

  /** Internal. */
  add(wait: Wait<T>): void {
    this.waiting.add(wait);
  }

  /** Internal. */
  remove(wait: Wait<T>): void {
    this.waiting.delete(wait);
  }

  private getPromise(): Promise<T> {
    this.promise ??= new Promise<T>((resolve, reject) => {
      const wake = () => (this.ok ? resolve(this.value as T) : reject(this.value));
      if (this.settled) wake();
      else this.waiting.add({ wake } as Wait<T>);
    });
    return this.promise;
  }

  // biome-ignore lint/suspicious/noThenProperty: a future is a promise by design
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.getPromise().then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: any) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.getPromise().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    return this.getPromise().finally(onfinally);
  }

  get [Symbol.toStringTag](): string {
    return "Future";
  }

  [Symbol.iterator](): Iterator<Instruction, T, unknown> {
    return new Wait<T>(this);
  }
}

/** Internal. One task waiting on a deferred. */
class Wait<T> extends InstructionOperation<T> {
  private task: TaskImpl | undefined = undefined;
  private epoch = 0;
  constructor(private deferred: Deferred<T>) {
    super();
  }
  enter(task: TaskImpl): void {
    const d = this.deferred;
    if (d.settled) {
      task.resume(d.ok ? NEXT : THROW, d.value);
      return;
    }
    this.task = task;
    d.add(this);
    this.epoch = task.suspend(this);
  }
  wake(): void {
    const d = this.deferred;
    this.task?.resumeAt(this.epoch, d.ok ? NEXT : THROW, d.value);
    this.task = undefined;
  }
  cancel(): void {
    this.deferred.remove(this);
    this.task = undefined;
  }
}
