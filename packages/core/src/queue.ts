import { InstructionOperation } from "./engine/instruction.js";
import { NEXT, type TaskImpl } from "./engine/task.js";
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

class Consumer {
  constructor(
    readonly task: TaskImpl,
    readonly epoch: number,
    readonly consumers: Set<Consumer>,
  ) {}
  cancel(): void {
    this.consumers.delete(this);
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

class Next<T, TClose> extends InstructionOperation<IteratorResult<T, TClose>> {
  constructor(
    private items: Fifo<IteratorResult<T, TClose>>,
    private consumers: Set<Consumer>,
  ) {
    super();
  }
  enter(task: TaskImpl): void {
    const item = this.items.shift();
    if (item !== undefined) {
      task.resume(NEXT, item);
      return;
    }
    const consumer = new Consumer(task, task.epoch, this.consumers);
    this.consumers.add(consumer);
    task.teardown = consumer;
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
  const items = new Fifo<IteratorResult<T, TClose>>();
  const consumers = new Set<Consumer>();
  const enqueue = (item: IteratorResult<T, TClose>) => {
    for (const consumer of consumers) {
      consumers.delete(consumer);
      consumer.task.resumeAt(consumer.epoch, NEXT, item);
      return;
    }
    items.push(item);
  };
  return {
    add: (value) => enqueue({ done: false, value }),
    close: (value) => enqueue({ done: true, value }),
    next: (): Operation<IteratorResult<T, TClose>> => new Next(items, consumers),
  };
}
