import { type Instruction, InstructionOperation, NEXT } from "./engine/instruction.js";
import type { TaskImpl } from "./engine/task.js";
import type { Operation, Subscription } from "./types.js";

/**
 * An unbounded queue: `add` and `close` never wait, `next()` waits for an item.
 *
 * @example
 * ```ts
 * import { createQueue, type Queue } from "@skein/core";
 *
 * const queue: Queue<number, void> = createQueue();
 * queue.add(1);
 * ```
 */
export interface Queue<T, TClose> extends Subscription<T, TClose> {
  add(item: T): void;
  close(value: TClose): void;
}

class Consumer<T, TClose> {
  constructor(
    readonly next: Next<T, TClose>,
    readonly task: TaskImpl,
    readonly epoch: number,
  ) {}
  cancel(): void {
    this.next.state.consumers.delete(this);
  }
  describeWait(): string {
    return "queue (empty)";
  }
}

/**
 * Internal. A first-in first-out buffer that takes from a moving head index, because
 * `Array#shift` copies the whole array once it holds more than a few thousand items.
 */
class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  push(item: T): void {
    this.items.push(item);
  }

  unshift(item: T): void {
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
  }

  shift(): T | undefined {
    const { items } = this;
    if (this.head === items.length) return undefined;
    const item = items[this.head];
    items[this.head++] = undefined;
    if (this.head === items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head * 2 >= items.length) {
      this.items = items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/** Internal. What a queue holds: waiting items, or consumers waiting for one. */
class QueueState<T, TClose> {
  readonly items = new Fifo<IteratorResult<T, TClose>>();
  readonly consumers = new Set<Consumer<T, TClose>>();

  enqueue(item: IteratorResult<T, TClose>): void {
    for (const consumer of this.consumers) {
      this.consumers.delete(consumer);
      consumer.next.deliver(consumer, item);
      return;
    }
    this.items.push(item);
  }

  /** An item handed to a consumer that was halted before it ran goes back to the front. */
  giveBack(item: IteratorResult<T, TClose>): void {
    for (const consumer of this.consumers) {
      this.consumers.delete(consumer);
      consumer.next.deliver(consumer, item);
      return;
    }
    this.items.unshift(item);
  }
}

class Next<T, TClose> extends InstructionOperation<IteratorResult<T, TClose>> {
  /** Handed over but not yet received by the consumer's code. */
  private declare delivered: IteratorResult<T, TClose> | undefined;

  constructor(readonly state: QueueState<T, TClose>) {
    super();
    this.delivered = undefined;
  }

  enter(task: TaskImpl): void {
    const item = this.state.items.shift();
    if (item !== undefined) {
      task.resume(NEXT, item);
      return;
    }
    const consumer = new Consumer(this, task, task.ticket);
    this.state.consumers.add(consumer);
    task.suspend(consumer);
  }

  deliver(consumer: Consumer<T, TClose>, item: IteratorResult<T, TClose>): void {
    this.delivered = item;
    consumer.task.resumeAt(consumer.epoch, NEXT, item);
  }

  override next(value?: unknown): IteratorResult<Instruction, IteratorResult<T, TClose>> {
    const result = super.next(value);
    // The consumer's code has the item now.
    if (result.done) this.delivered = undefined;
    return result;
  }

  /** The consumer was halted between the hand-over and its next step: keep the item. */
  override return(value?: unknown): IteratorResult<Instruction, IteratorResult<T, TClose>> {
    const delivered = this.delivered;
    if (delivered !== undefined) {
      this.delivered = undefined;
      this.state.giveBack(delivered);
    }
    return super.return(value);
  }
}

/**
 * Create an unbounded queue with one consumer side. Items wait in the queue until a consumer
 * takes them; `close(value)` ends it after the items already added.
 *
 * @example
 * ```ts
 * import { createQueue, run } from "@skein/core";
 *
 * await run(function* () {
 *   const queue = createQueue<number, string>();
 *   queue.add(1);
 *   queue.close("end");
 *   console.log(yield* queue.next()); // { done: false, value: 1 }
 *   console.log(yield* queue.next()); // { done: true, value: "end" }
 * });
 * ```
 *
 * @returns the queue
 */
export function createQueue<T, TClose>(): Queue<T, TClose> {
  const state = new QueueState<T, TClose>();
  return {
    add: (value) => state.enqueue({ done: false, value }),
    close: (value) => state.enqueue({ done: true, value }),
    next: (): Operation<IteratorResult<T, TClose>> => new Next(state),
  };
}
