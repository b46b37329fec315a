import type { Instruction } from "./engine/instruction.js";
import { createEvent } from "./event.js";
import { assertPositiveInteger } from "./positive-integer.js";
import { resource } from "./resource.js";
import { Err, Ok } from "./result.js";
import { useScope } from "./scope.js";
import { scoped } from "./scoped.js";
import { spawn } from "./spawn.js";
import { stream } from "./stream.js";
import type { Operation, Result, Scope, Stream, Subscription, Task } from "./types.js";

/** What {@link mapConcurrent} reads from: an array, a sync or async iterable, or a Stream. */
export type MapSource<T> = Iterable<T> | AsyncIterable<T> | Stream<T, unknown>;

/** Options of {@link mapConcurrent}. */
export interface MapConcurrentOptions {
  /** The most items processed at once, a positive integer. Required. */
  concurrency: number;
  /** Emit results in input order (default `true`) or as they complete (`false`). */
  ordered?: boolean;
  /**
   * Emit a `Result` per item instead of failing on the first error (default `false`: the first
   * failure halts the items in flight, stops reading the source, and is thrown to the reader).
   */
  settle?: boolean;
}

/**
 * The results of {@link mapConcurrent}: a stream, plus `toArray()` to collect them.
 *
 * @example
 * ```ts
 * import { type MapStream, mapConcurrent } from "@skein/core";
 *
 * const doubled: MapStream<number> = mapConcurrent([1, 2], { concurrency: 2 }, function* (n) {
 *   return n * 2;
 * });
 * ```
 */
export interface MapStream<R> extends Stream<R, void> {
  /** Run the whole map and collect every result in an array. */
  toArray(): Operation<R[]>;
}

const DONE: IteratorReturnResult<void> = Object.freeze({ done: true, value: undefined });
const EMPTY = Symbol("empty");

/** Internal. The bookkeeping of one subscription to a map. */
class MapState<T, R> {
  inflight = 0;
  started = 0;
  emitted = 0;
  /** Finished results not yet emitted. */
  buffered = 0;
  sourceDone = false;
  failed = false;
  error: unknown = undefined;
  driver: Task<void> | undefined = undefined;
  /** Set when the driver may start another item, or an item finished. */
  readonly room = createEvent();
  /** Set when the reader may find a result, the end, or a failure. */
  readonly ready = createEvent();
  /** Ordered: results by `index % slots.length`. Unordered: a first-in first-out queue. */
  private slots: unknown[];
  private head = 0;

  constructor(
    readonly concurrency: number,
    readonly ordered: boolean,
    readonly settle: boolean,
    readonly fn: (item: T, index: number) => Operation<R>,
  ) {
    this.slots = ordered ? new Array(concurrency * 2).fill(EMPTY) : [];
  }

  hasRoom(): boolean {
    return this.inflight < this.concurrency && this.buffered < this.concurrency;
  }

  complete(index: number, value: unknown): void {
    this.inflight--;
    this.buffered++;
    if (this.ordered) this.slots[index % this.slots.length] = value;
    else this.slots.push(value);
    this.room.set();
    this.ready.set();
  }

  /** The next result to emit, or EMPTY. */
  take(): unknown {
    const slots = this.slots;
    let value: unknown;
    if (this.ordered) {
      const at = this.emitted % slots.length;
      value = slots[at];
      if (value === EMPTY) return EMPTY;
      slots[at] = EMPTY;
    } else {
      if (this.head === slots.length) return EMPTY;
      value = slots[this.head];
      slots[this.head++] = undefined;
      if (this.head === slots.length) {
        slots.length = 0;
        this.head = 0;
      }
    }
    this.emitted++;
    this.buffered--;
    this.room.set();
    return value;
  }

  fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.error = error;
    this.driver?.halt();
    this.ready.set();
  }
}

function* work<T, R>(state: MapState<T, R>, item: T, index: number): Operation<void> {
  let value: unknown;
  try {
    const result = yield* state.fn(item, index);
    value = state.settle ? Ok(result) : result;
  } catch (error) {
    if (!state.settle) {
      state.fail(error);
      return;
    }
    value = Err(error);
  }
  state.complete(index, value);
}

function* waitForRoom<T, R>(state: MapState<T, R>): Operation<void> {
  while (!state.hasRoom()) {
    state.room.reset();
    yield* state.room.wait();
  }
}

function start<T, R>(state: MapState<T, R>, scope: Scope, item: T): void {
  const index = state.started++;
  state.inflight++;
  scope.run(() => work(state, item, index));
}

function isInstruction(value: unknown): boolean {
  return typeof (value as { enter?: unknown } | null)?.enter === "function";
}

/** Internal. Replays a step already taken from `iterator`, then hands over to it. */
function replay<T>(
  iterator: Iterator<unknown, unknown, unknown>,
  first: IteratorResult<unknown, unknown>,
): Operation<T> {
  let pending: IteratorResult<unknown, unknown> | undefined = first;
  const resumed: Iterator<Instruction, T, unknown> = {
    next(value?: unknown) {
      if (pending === undefined) return iterator.next(value) as IteratorResult<Instruction, T>;
      const step = pending;
      pending = undefined;
      return step as IteratorResult<Instruction, T>;
    },
    throw: (error: unknown) => iterator.throw!(error) as IteratorResult<Instruction, T>,
    return: (value?: unknown) => iterator.return!(value) as IteratorResult<Instruction, T>,
  };
  return { [Symbol.iterator]: () => resumed };
}

function* readSubscription<T, R>(
  state: MapState<T, R>,
  scope: Scope,
  subscription: Subscription<T, unknown>,
): Operation<void> {
  for (;;) {
    yield* waitForRoom(state);
    const next = yield* subscription.next();
    if (next.done) return;
    start(state, scope, next.value);
  }
}

function* readIterator<T, R>(
  state: MapState<T, R>,
  scope: Scope,
  iterator: Iterator<T>,
  first: IteratorResult<T>,
): Operation<void> {
  let next = first;
  let finished = false;
  try {
    while (!next.done) {
      start(state, scope, next.value);
      yield* waitForRoom(state);
      next = iterator.next();
    }
    finished = true;
  } finally {
    if (!finished) iterator.return?.();
  }
}

/** Internal. Reads the source and starts items while there is room; its children are the items. */
function* drive<T, R>(state: MapState<T, R>, items: MapSource<T>): Operation<void> {
  const scope = yield* useScope();
  try {
    if (Array.isArray(items)) {
      for (const item of items as T[]) {
        yield* waitForRoom(state);
        start(state, scope, item);
      }
    } else if (typeof (items as AsyncIterable<T>)[Symbol.asyncIterator] === "function") {
      yield* readSubscription(state, scope, yield* stream(items as AsyncIterable<T>));
    } else {
      // A Stream is also iterable: tell them apart by the first step.
      const iterator = (items as Iterable<unknown>)[Symbol.iterator]();
      yield* waitForRoom(state);
      const first = iterator.next();
      const value = first.value as { next?: unknown } | undefined;
      if (first.done ? typeof value?.next === "function" : isInstruction(value)) {
        const subscription = yield* replay<Subscription<T, unknown>>(iterator, first);
        yield* readSubscription(state, scope, subscription);
      } else {
        yield* readIterator(state, scope, iterator as Iterator<T>, first as IteratorResult<T>);
      }
    }
    state.sourceDone = true;
    state.ready.set();
    while (state.inflight > 0) {
      state.room.reset();
      yield* state.room.wait();
    }
  } catch (error) {
    state.fail(error);
  }
}

function* nextResult<T, R>(state: MapState<T, R>): Operation<IteratorResult<R, void>> {
  for (;;) {
    if (state.failed) {
      yield* state.driver!.halt();
      throw state.error;
    }
    const value = state.take();
    if (value !== EMPTY) return { done: false, value: value as R };
    if (state.sourceDone && state.inflight === 0) return DONE;
    state.ready.reset();
    yield* state.ready.wait();
  }
}

/**
 * Apply `fn` to every item of `items` with at most `concurrency` running at once, like
 * `p-map`, as a stream of results: in input order (`ordered`, the default) or as they finish.
 * The source is read only as fast as results are consumed (at most `concurrency` results wait
 * to be read), so it may be infinite. By default the first failure halts the items in flight,
 * stops and closes the source, and is thrown to the reader; with `settle: true` every item
 * yields a `Result` instead. Ending the subscription early halts everything and closes the
 * source (an async iterator's `return()` is called, a stream's subscription released).
 *
 * @example
 * ```ts
 * import { each, mapConcurrent, run, until } from "@skein/core";
 *
 * const urls = ["https://example.com/a", "https://example.com/b"];
 * await run(function* () {
 *   const sizes = yield* mapConcurrent(urls, { concurrency: 4 }, function* (url) {
 *     const response = yield* until(fetch(url));
 *     return (yield* until(response.text())).length;
 *   }).toArray();
 *   console.log(sizes);
 * });
 * ```
 *
 * @param items - an array, a sync or async iterable, or a Stream
 * @param options - `concurrency` (required), `ordered` (default true), `settle` (default false)
 * @param fn - the operation to run for each item, given the item and its index
 * @returns a stream of the results, with `toArray()`
 */
export function mapConcurrent<T, R>(
  items: MapSource<T>,
  options: MapConcurrentOptions & { settle: true },
  fn: (item: T, index: number) => Operation<R>,
): MapStream<Result<R>>;
export function mapConcurrent<T, R>(
  items: MapSource<T>,
  options: MapConcurrentOptions & { settle?: false | undefined },
  fn: (item: T, index: number) => Operation<R>,
): MapStream<R>;
export function mapConcurrent<T, R>(
  items: MapSource<T>,
  options: MapConcurrentOptions,
  fn: (item: T, index: number) => Operation<R>,
): MapStream<R | Result<R>> {
  assertPositiveInteger("mapConcurrent()", "concurrency", options?.concurrency);
  const { concurrency, ordered = true, settle = false } = options;
  const subscribe = resource<Subscription<R, void>>(function* (provide) {
    const state = new MapState<T, R>(concurrency, ordered, settle, fn);
    state.driver = yield* spawn(() => drive(state, items));
    const next: Operation<IteratorResult<R, void>> = {
      [Symbol.iterator]: () => nextResult(state)[Symbol.iterator](),
    };
    yield* provide({ next: () => next });
  });
  return {
    [Symbol.iterator]: () => subscribe[Symbol.iterator](),
    toArray: () =>
      scoped(function* () {
        const subscription = yield* subscribe;
        const results: R[] = [];
        for (;;) {
          const next = yield* subscription.next();
          if (next.done) return results;
          results.push(next.value);
        }
      }),
  };
}
