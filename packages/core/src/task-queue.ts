import type { Instruction } from "./engine/instruction.js";
import { Lazy } from "./engine/lazy.js";
import { Parked } from "./parked.js";
import { assertPositiveInteger } from "./positive-integer.js";
import type { Operation } from "./types.js";
import { WaitList } from "./wait-list.js";

/**
 * A queue of work items with asyncio's `Queue` bookkeeping: `join()` waits until every item put
 * has been marked done with `taskDone()`, and `shutdown()` ends it for producers and consumers.
 * Made by {@link createTaskQueue}, {@link createLifoQueue} or {@link createPriorityQueue}.
 *
 * @example
 * ```ts
 * import { createTaskQueue, type TaskQueue } from "@skein/core";
 *
 * const jobs: TaskQueue<string> = createTaskQueue({ maxSize: 100 });
 * ```
 */
export interface TaskQueue<T> {
  /** Add an item, waiting while the queue is full; throws a `QueueShutDownError` once shut down. */
  put(item: T): Operation<void>;
  /** Add an item if there is room now; tell whether it did. Throws once shut down. */
  tryPut(item: T): boolean;
  /**
   * Take the next item (oldest, newest or smallest, by the queue's order), waiting while empty.
   * Throws a `QueueShutDownError` once shut down and empty.
   */
  get(): Operation<T>;
  /** Mark one item taken with `get()` as processed; `join()` returns when none is left. */
  taskDone(): void;
  /** Wait until every item put has been marked done (at once when none is unfinished). */
  join(): Operation<void>;
  /**
   * Refuse new items. Consumers take what is left, then `get()` throws. With `immediate`, the
   * items left are dropped (and counted as done) and waiting consumers throw at once.
   */
  shutdown(options?: { immediate?: boolean }): void;
  /** Items in the queue now. */
  readonly size: number;
  /** The most items held before `put` waits (`Infinity` when unbounded). */
  readonly maxSize: number;
  /** Items put and not yet marked done. */
  readonly unfinished: number;
  /** Whether `shutdown()` has been called. */
  readonly isShutDown: boolean;
}

/**
 * Options of {@link createTaskQueue}.
 *
 * @example
 * ```ts
 * import type { TaskQueueOptions } from "@skein/core";
 *
 * const options: TaskQueueOptions = { maxSize: 10 };
 * ```
 */
export interface TaskQueueOptions {
  /** The most items held before `put` waits, a positive integer. Default: unbounded. */
  maxSize?: number;
}

/**
 * Thrown by a task queue after `shutdown()`: by `put`, and by `get` once nothing is left. Its
 * `code` is `"queue-shut-down"`; `item` is the item that could not be added, if any.
 *
 * @example
 * ```ts
 * import { QueueShutDownError } from "@skein/core";
 *
 * console.log(new QueueShutDownError().code); // "queue-shut-down"
 * ```
 */
export class QueueShutDownError extends Error {
  readonly code = "queue-shut-down";
  override name = "QueueShutDownError";
  /**
   * @param item - the item that could not be added, if any
   */
  constructor(readonly item?: unknown) {
    super("the queue has been shut down");
  }
}

/**
 * Thrown by `taskDone()` called more times than items were put. Its `code` is
 * `"task-done-too-often"`.
 *
 * @example
 * ```ts
 * import { TaskDoneError } from "@skein/core";
 *
 * console.log(new TaskDoneError().code); // "task-done-too-often"
 * ```
 */
export class TaskDoneError extends Error {
  readonly code = "task-done-too-often";
  override name = "TaskDoneError";
  constructor() {
    super("taskDone() called more times than items were put");
  }
}

/** Internal. Where the items wait, in the order they come out. */
interface Store<T> {
  readonly size: number;
  push(item: T): void;
  take(): T;
  clear(): void;
}

class FifoStore<T> implements Store<T> {
  private items: T[] = [];
  private head = 0;
  get size(): number {
    return this.items.length - this.head;
  }
  push(item: T): void {
    this.items.push(item);
  }
  take(): T {
    const item = this.items[this.head]!;
    this.items[this.head++] = undefined as T;
    if (this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

class LifoStore<T> implements Store<T> {
  private items: T[] = [];
  get size(): number {
    return this.items.length;
  }
  push(item: T): void {
    this.items.push(item);
  }
  take(): T {
    return this.items.pop()!;
  }
  clear(): void {
    this.items = [];
  }
}

/** A binary heap; equal items come out in the order they went in. */
class HeapStore<T> implements Store<T> {
  private heap: { item: T; seq: number }[] = [];
  private seq = 0;
  constructor(private compare: (a: T, b: T) => number) {}
  get size(): number {
    return this.heap.length;
  }
  private less(i: number, j: number): boolean {
    const a = this.heap[i]!;
    const b = this.heap[j]!;
    const c = this.compare(a.item, b.item);
    return c < 0 || (c === 0 && a.seq < b.seq);
  }
  private swap(i: number, j: number): void {
    const h = this.heap;
    [h[i], h[j]] = [h[j]!, h[i]!];
  }
  push(item: T): void {
    this.heap.push({ item, seq: this.seq++ });
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  take(): T {
    const top = this.heap[0]!.item;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.heap.length && this.less(l, m)) m = l;
        if (r < this.heap.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
  clear(): void {
    this.heap = [];
  }
}

class QueueState<T> {
  readonly getters = new WaitList<Parked<void>>();
  readonly putters = new WaitList<Parked<void>>();
  readonly joiners = new WaitList<Parked<void>>();
  unfinished = 0;
  shutDown = false;
  immediate = false;
  constructor(
    readonly store: Store<T>,
    readonly maxSize: number,
  ) {}

  add(item: T): void {
    this.store.push(item);
    this.unfinished++;
    this.getters.shift()?.wake(undefined);
  }

  done(count: number): void {
    if (count > this.unfinished) throw new TaskDoneError();
    this.unfinished -= count;
    if (this.unfinished === 0) {
      for (let j = this.joiners.shift(); j !== undefined; j = this.joiners.shift())
        j.wake(undefined);
    }
  }

  wakeAll(list: WaitList<Parked<void>>): void {
    for (let w = list.shift(); w !== undefined; w = list.shift()) w.wake(undefined);
  }
}

function* putting<T>(state: QueueState<T>, item: T): Generator<Instruction, void, unknown> {
  while (!state.shutDown && state.store.size >= state.maxSize) {
    const parked = new Parked<void>(
      state.putters,
      () => `task queue put (full, ${state.store.size} items)`,
    );
    let resumed = false;
    try {
      yield* parked;
      resumed = true;
    } finally {
      // Woken for room it will not use (halted): pass the turn on.
      if (parked.woken && !resumed && state.store.size < state.maxSize) {
        state.putters.shift()?.wake(undefined);
      }
    }
  }
  if (state.shutDown) throw new QueueShutDownError(item);
  state.add(item);
}

function* getting<T>(state: QueueState<T>): Generator<Instruction, T, unknown> {
  for (;;) {
    if (state.store.size > 0 && !state.immediate) {
      const item = state.store.take();
      state.putters.shift()?.wake(undefined);
      return item;
    }
    if (state.shutDown) throw new QueueShutDownError();
    const parked = new Parked<void>(state.getters, "task queue get (empty)");
    let resumed = false;
    try {
      yield* parked;
      resumed = true;
    } finally {
      // Woken for an item it will not take (halted): the next getter takes it.
      if (parked.woken && !resumed && state.store.size > 0) state.getters.shift()?.wake(undefined);
    }
  }
}

function* joining<T>(state: QueueState<T>): Generator<Instruction, void, unknown> {
  if (state.unfinished > 0) {
    yield* new Parked<void>(
      state.joiners,
      () => `task queue join (${state.unfinished} unfinished)`,
    );
  }
}

function makeQueue<T>(store: Store<T>, options: TaskQueueOptions): TaskQueue<T> {
  const maxSize = options.maxSize ?? Infinity;
  if (maxSize !== Infinity) assertPositiveInteger("task queue", "maxSize", maxSize);
  const state = new QueueState(store, maxSize);
  return {
    put: (item) => new Lazy(putting<T>, state, item, undefined),
    tryPut(item) {
      if (state.shutDown) throw new QueueShutDownError(item);
      if (state.store.size >= maxSize) return false;
      state.add(item);
      return true;
    },
    get: () => new Lazy(getting<T>, state, undefined, undefined),
    taskDone: () => state.done(1),
    join: () => new Lazy(joining<T>, state, undefined, undefined),
    shutdown(options = {}) {
      state.shutDown = true;
      if (options.immediate) {
        state.immediate = true;
        const dropped = state.store.size;
        state.store.clear();
        state.done(Math.min(dropped, state.unfinished));
      }
      state.wakeAll(state.getters);
      state.wakeAll(state.putters);
    },
    get size() {
      return state.store.size;
    },
    maxSize,
    get unfinished() {
      return state.unfinished;
    },
    get isShutDown() {
      return state.shutDown;
    },
  };
}

/**
 * Create a first-in first-out work queue, like asyncio's `Queue` (3.13, with `shutdown`). Pair
 * each `get()` with a `taskDone()` once the item is handled, and `join()` waits until all are.
 *
 * @example
 * ```ts
 * import { createTaskQueue, run, spawn } from "@skein/core";
 *
 * await run(function* () {
 *   const queue = createTaskQueue<string>({ maxSize: 10 });
 *   yield* spawn(function* () {
 *     for (;;) {
 *       const url = yield* queue.get();
 *       console.log("fetch", url);
 *       queue.taskDone();
 *     }
 *   });
 *   yield* queue.put("https://example.com/");
 *   yield* queue.join(); // every item handled
 *   queue.shutdown();
 * });
 * ```
 *
 * @param options - `maxSize`, default unbounded
 * @returns the queue
 */
export function createTaskQueue<T>(options: TaskQueueOptions = {}): TaskQueue<T> {
  return makeQueue(new FifoStore<T>(), options);
}

/**
 * Create a last-in first-out work queue (asyncio's `LifoQueue`): `get()` takes the newest item.
 *
 * @example
 * ```ts
 * import { createLifoQueue, run } from "@skein/core";
 *
 * await run(function* () {
 *   const stack = createLifoQueue<number>();
 *   yield* stack.put(1);
 *   yield* stack.put(2);
 *   console.log(yield* stack.get()); // 2
 * });
 * ```
 *
 * @param options - `maxSize`, default unbounded
 * @returns the queue
 */
export function createLifoQueue<T>(options: TaskQueueOptions = {}): TaskQueue<T> {
  return makeQueue(new LifoStore<T>(), options);
}

/**
 * Create a priority work queue (asyncio's `PriorityQueue`): `get()` takes the smallest item by
 * `compare`; equal items come out in the order they were put.
 *
 * @example
 * ```ts
 * import { createPriorityQueue, run } from "@skein/core";
 *
 * await run(function* () {
 *   const urgent = createPriorityQueue<{ priority: number; job: string }>(
 *     (a, b) => a.priority - b.priority,
 *   );
 *   yield* urgent.put({ priority: 5, job: "report" });
 *   yield* urgent.put({ priority: 1, job: "page the on-call" });
 *   console.log((yield* urgent.get()).job); // "page the on-call"
 * });
 * ```
 *
 * @param compare - negative when `a` comes out first, as for `Array#sort`
 * @param options - `maxSize`, default unbounded
 * @returns the queue
 */
export function createPriorityQueue<T>(
  compare: (a: T, b: T) => number,
  options: TaskQueueOptions = {},
): TaskQueue<T> {
  if (typeof compare !== "function") {
    throw new TypeError(
      `createPriorityQueue(): compare must be a function, got ${String(compare)}`,
    );
  }
  return makeQueue(new HeapStore<T>(compare), options);
}
