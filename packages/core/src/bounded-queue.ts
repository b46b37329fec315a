import { type Instruction, InstructionOperation, NEXT, THROW } from "./engine/instruction.js";
import type { TaskImpl } from "./engine/task.js";
import { assertPositiveInteger } from "./positive-integer.js";
import type { Operation, Stream, Subscription } from "./types.js";
import { type WaitLink, WaitList } from "./wait-list.js";

/**
 * A first-in first-out queue of at most `capacity` items between producers and consumers, like
 * asyncio's `Queue(maxsize)`. It is its own subscription and a stream, so `each(queue)` works;
 * consumers share its items (each item goes to one consumer).
 *
 * @example
 * ```ts
 * import { type BoundedQueue, createBoundedQueue } from "@skein/core";
 *
 * const jobs: BoundedQueue<string> = createBoundedQueue({ capacity: 100 });
 * ```
 */
export interface BoundedQueue<T> extends Subscription<T, void>, Stream<T, void> {
  /** The most items the queue holds before `put` waits. */
  readonly capacity: number;
  /** Items in the queue now. */
  readonly size: number;
  /** Whether `close()` has been called. */
  readonly closed: boolean;
  /** Add an item, waiting while the queue is full; throws a `QueueClosedError` once closed. */
  put(item: T): Operation<void>;
  /** Remove the oldest item, waiting while empty; throws a `QueueClosedError` once closed and drained. */
  take(): Operation<T>;
  /** Like `take()`, but resolves to `{ done: true }` once closed and drained. */
  next(): Operation<IteratorResult<T, void>>;
  /** Refuse new items; consumers drain what is left, then see the end. Waiting putters throw. */
  close(): void;
}

/** Options of {@link createBoundedQueue}.
 *
 * @example
 * ```ts
 * import { createBoundedQueue, type BoundedQueueOptions } from "@skein/core";
 *
 * const options: BoundedQueueOptions = { capacity: 100 };
 * const queue = createBoundedQueue<string>(options);
 * ```
 */
export interface BoundedQueueOptions {
  /** The most items held at once, a positive integer. Required. */
  capacity: number;
}

/**
 * Thrown by `put` on a closed queue (and to putters still waiting when it closes), and by `take`
 * on a closed queue that is drained. Its `code` is `"queue-closed"`.
 *
 * @example
 * ```ts
 * import { createBoundedQueue, QueueClosedError, run } from "@skein/core";
 *
 * await run(function* () {
 *   const queue = createBoundedQueue<number>({ capacity: 1 });
 *   queue.close();
 *   try { yield* queue.put(1); } catch (e) { console.log(e instanceof QueueClosedError); }
 * });
 * ```
 */
export class QueueClosedError extends Error {
  readonly code = "queue-closed";
  override name = "QueueClosedError";
  /**
   * @param item - the item that could not be added, if any
   */
  constructor(readonly item?: unknown) {
    super("the queue is closed");
  }
}

const DONE: IteratorReturnResult<void> = Object.freeze({ done: true, value: undefined });

/** Internal. A task waiting to add its item to a full queue. */
class PutWait<T> extends InstructionOperation<void> implements WaitLink<PutWait<T>> {
  prevWait: PutWait<T> | undefined = undefined;
  nextWait: PutWait<T> | undefined = undefined;
  waiting = false;
  task: TaskImpl | undefined = undefined;
  epoch = 0;
  constructor(
    private state: QueueState<T>,
    readonly item: T,
  ) {
    super();
  }
  enter(task: TaskImpl): void {
    this.task = task;
    this.state.putters.push(this);
    this.epoch = task.suspend(this);
  }
  cancel(): void {
    this.state.putters.remove(this);
  }
  describeWait(): string {
    return `bounded queue put (full, ${this.state.capacity} items)`;
  }
}

/** Internal. A task waiting for an item (or the end) from an empty queue. */
class TakeWait<T>
  extends InstructionOperation<IteratorResult<T, void>>
  implements WaitLink<TakeWait<T>>
{
  prevWait: TakeWait<T> | undefined = undefined;
  nextWait: TakeWait<T> | undefined = undefined;
  waiting = false;
  task: TaskImpl | undefined = undefined;
  epoch = 0;
  /** What was handed over; kept so that a taker halted before it runs can give it back. */
  delivered: IteratorResult<T, void> | undefined = undefined;
  constructor(private state: QueueState<T>) {
    super();
  }
  enter(task: TaskImpl): void {
    this.task = task;
    this.state.takers.push(this);
    this.epoch = task.suspend(this);
  }
  deliver(result: IteratorResult<T, void>): void {
    this.delivered = result;
    this.task!.resumeAt(this.epoch, NEXT, result);
  }
  cancel(): void {
    this.state.takers.remove(this);
  }
  describeWait(): string {
    return "bounded queue take (empty)";
  }
}

/** Internal. Items, waiters, and the moves between them. */
class QueueState<T> {
  private items: T[] = [];
  private head = 0;
  closed = false;
  readonly putters = new WaitList<PutWait<T>>();
  readonly takers = new WaitList<TakeWait<T>>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.items.length - this.head;
  }

  /** Add without waiting; false when the caller must wait. */
  tryPut(item: T): boolean {
    if (this.closed) throw new QueueClosedError(item);
    const taker = this.takers.shift();
    if (taker !== undefined) {
      taker.deliver({ done: false, value: item });
      return true;
    }
    if (this.size >= this.capacity) return false;
    this.items.push(item);
    return true;
  }

  /** Take without waiting; undefined when the caller must wait. */
  tryTake(): IteratorResult<T, void> | undefined {
    if (this.size === 0) return this.closed ? DONE : undefined;
    const item = this.items[this.head]!;
    this.items[this.head] = undefined as T;
    this.head++;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    const putter = this.putters.shift();
    if (putter !== undefined) {
      this.items.push(putter.item);
      putter.task!.resumeAt(putter.epoch, NEXT, undefined);
    }
    return { done: false, value: item };
  }

  /** An item handed to a taker that was halted before it ran goes back to the front. */
  giveBack(item: T): void {
    const taker = this.takers.shift();
    if (taker !== undefined) taker.deliver({ done: false, value: item });
    else if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (let t = this.takers.shift(); t !== undefined; t = this.takers.shift()) t.deliver(DONE);
    for (let p = this.putters.shift(); p !== undefined; p = this.putters.shift()) {
      p.task!.resumeAt(p.epoch, THROW, new QueueClosedError(p.item));
    }
  }
}

/** Internal. An iterator that finishes at once with `value`: an operation that never waits. */
function returning<T>(value: T): Iterator<Instruction, T, unknown> {
  return { next: () => ({ done: true, value }) };
}

function* waitForItem<T>(state: QueueState<T>): Generator<Instruction, IteratorResult<T, void>> {
  const wait = new TakeWait(state);
  let received = false;
  try {
    const result = yield* wait;
    received = true;
    return result;
  } finally {
    const delivered = wait.delivered;
    if (!received && delivered !== undefined && !delivered.done) state.giveBack(delivered.value);
  }
}

function* takeItem<T>(state: QueueState<T>): Generator<Instruction, T> {
  const result = state.tryTake() ?? (yield* waitForItem(state));
  if (result.done) throw new QueueClosedError();
  return result.value;
}

/**
 * Create a bounded queue. Producers `put` (waiting while it is full), consumers `take` or loop
 * over it with `each` (waiting while it is empty); `close()` lets consumers drain it and end.
 * A task halted while it waits leaves the queue's waiting line; an item handed to a consumer
 * that is halted before it runs goes back to the front of the queue.
 *
 * @example
 * ```ts
 * import { createBoundedQueue, each, run, spawn } from "@skein/core";
 *
 * await run(function* () {
 *   const queue = createBoundedQueue<number>({ capacity: 2 });
 *   yield* spawn(function* () {
 *     for (let i = 0; i < 5; i++) yield* queue.put(i); // waits while two are queued
 *     queue.close();
 *   });
 *   for (const n of yield* each(queue)) {
 *     console.log(n);
 *     yield* each.next();
 *   }
 * });
 * ```
 *
 * @param options - `capacity`: the most items held at once, a positive integer
 * @returns the queue
 */
export function createBoundedQueue<T>(options: BoundedQueueOptions): BoundedQueue<T> {
  assertPositiveInteger("createBoundedQueue()", "capacity", options?.capacity);
  const state = new QueueState<T>(options.capacity);
  const next: Operation<IteratorResult<T, void>> = {
    [Symbol.iterator]: () => {
      const result = state.tryTake();
      return result !== undefined ? returning(result) : waitForItem(state);
    },
  };
  const take: Operation<T> = { [Symbol.iterator]: () => takeItem(state) };
  const queue: BoundedQueue<T> = {
    get capacity() {
      return state.capacity;
    },
    get size() {
      return state.size;
    },
    get closed() {
      return state.closed;
    },
    put: (item) => ({
      [Symbol.iterator]: () =>
        state.tryPut(item) ? returning(undefined) : new PutWait(state, item)[Symbol.iterator](),
    }),
    take: () => take,
    next: () => next,
    close: () => state.close(),
    [Symbol.iterator]: () => returning(queue),
  };
  return queue;
}
