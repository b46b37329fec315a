import type { Instruction } from "./engine/instruction.js";
import { createEvent } from "./event.js";
import { label } from "./label.js";
import { assertPositiveInteger } from "./positive-integer.js";
import { resource } from "./resource.js";
import { Err, Ok } from "./result.js";
import { useScope } from "./scope.js";
import { scoped } from "./scoped.js";
import { spawn } from "./spawn.js";
import { stream } from "./stream.js";
import { suspend } from "./suspend.js";
import type { Operation, Result, Scope, Stream, Subscription, Task } from "./types.js";

/**
 * What {@link mapConcurrent} reads from: an array, a sync or async iterable, or a Stream.
 *
 * @example
 * ```ts
 * import type { MapSource } from "@skein/core";
 *
 * async function* pages() { yield "/a"; yield "/b"; }
 * const source: MapSource<string> = pages();
 * ```
 */
export type MapSource<T> = Iterable<T> | AsyncIterable<T> | Stream<T, unknown>;

/**
 * Options of {@link mapConcurrent}.
 *
 * @example
 * ```ts
 * import type { MapConcurrentOptions } from "@skein/core";
 *
 * const options: MapConcurrentOptions = { concurrency: 8, ordered: false };
 * ```
 */
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

/** Internal. The bookkeeping of one subscription to a map: the source, the workers, the results. */
class MapState<T, R> {
  /** Items whose `fn` is running. */
  inflight = 0;
  started = 0;
  emitted = 0;
  /** Finished results not yet emitted. */
  buffered = 0;
  workers = 0;
  /** A worker is waiting on the subscription: the others must not read it meanwhile. */
  reading = false;
  sourceDone = false;
  failed = false;
  error: unknown = undefined;
  driver: Task<void> | undefined = undefined;
  /** The driver's scope, where the workers run. */
  scope: Scope | undefined = undefined;
  /** The source, exactly one of these three once the driver has opened it. */
  array: readonly T[] | undefined = undefined;
  iterator: Iterator<T> | undefined = undefined;
  subscription: Subscription<T, unknown> | undefined = undefined;
  /** The iterator's first step, read to tell a Stream from an iterable. */
  pending: IteratorResult<T> | undefined = undefined;
  /** Set when a waiting worker may read the source, or the source has ended. */
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
    // Unemitted results span fewer than 2 * concurrency indices: under `concurrency` running,
    // under `concurrency` buffered when the last one started.
    this.slots = ordered ? new Array(concurrency * 2).fill(EMPTY) : [];
  }

  addWorker(): void {
    this.workers++;
    this.scope!.run(() => work(this));
  }

  /** The next step of a synchronous iterator. */
  step(): IteratorResult<T> {
    const pending = this.pending;
    if (pending === undefined) return this.iterator!.next();
    this.pending = undefined;
    return pending;
  }

  end(): void {
    this.sourceDone = true;
    this.room.set();
    this.ready.set();
  }

  complete(index: number, value: unknown): void {
    this.inflight--;
    this.buffered++;
    if (this.ordered) this.slots[index % this.slots.length] = value;
    else this.slots.push(value);
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

/** Internal. The next step of the subscription, which one worker at a time may read. */
function* read<T, R>(
  state: MapState<T, R>,
  subscription: Subscription<T, unknown>,
): Operation<IteratorResult<T, unknown>> {
  state.reading = true;
  try {
    return yield* subscription.next();
  } finally {
    state.reading = false;
    state.room.set();
  }
}

/**
 * Internal. A worker: takes the next item while fewer than `concurrency` results wait to be
 * read, runs `fn` on it in a scope of its own, hands the result on, and starts the next worker
 * when every one is busy.
 */
function* work<T, R>(state: MapState<T, R>): Operation<void> {
  yield* label("mapConcurrent worker");
  const { fn, settle, concurrency } = state;
  let item: T;
  let index = 0;
  const call = () => fn(item, index);
  for (;;) {
    while (state.reading || state.buffered >= concurrency) {
      if (state.sourceDone) return;
      state.room.reset();
      yield* state.room.wait();
    }
    if (state.sourceDone) return;
    const array = state.array;
    if (array !== undefined) {
      if (state.started >= array.length) return state.end();
      item = array[state.started] as T;
    } else {
      let next: IteratorResult<T, unknown>;
      try {
        const subscription = state.subscription;
        next = subscription === undefined ? state.step() : yield* read(state, subscription);
      } catch (error) {
        return state.fail(error);
      }
      if (next.done) return state.end();
      item = next.value;
    }
    index = state.started++;
    if (++state.inflight === state.workers && state.workers < concurrency) state.addWorker();
    let value: unknown;
    try {
      const result = yield* scoped(call);
      value = settle ? Ok(result) : result;
    } catch (error) {
      if (!settle) return state.fail(error);
      value = Err(error);
    }
    state.complete(index, value);
  }
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

/** Internal. Opens the source and starts the first worker; the workers are its children. */
function* drive<T, R>(state: MapState<T, R>, items: MapSource<T>): Operation<void> {
  state.scope = yield* useScope();
  try {
    if (Array.isArray(items)) {
      state.array = items as T[];
    } else if (typeof (items as AsyncIterable<T>)[Symbol.asyncIterator] === "function") {
      state.subscription = yield* stream(items as AsyncIterable<T>);
    } else {
      // A Stream is also iterable: tell them apart by the first step.
      const iterator = (items as Iterable<unknown>)[Symbol.iterator]();
      const first = iterator.next();
      const value = first.value as { next?: unknown } | undefined;
      if (first.done ? typeof value?.next === "function" : isInstruction(value)) {
        state.subscription = yield* replay<Subscription<T, unknown>>(iterator, first);
      } else {
        state.iterator = iterator as Iterator<T>;
        state.pending = first as IteratorResult<T>;
      }
    }
  } catch (error) {
    return state.fail(error);
  }
  try {
    state.addWorker();
    yield* suspend();
  } finally {
    if (!state.sourceDone) state.iterator?.return?.();
  }
}

/** Internal. Throw the failure, if any; wait for another result unless the map is done. */
function* more<T, R>(state: MapState<T, R>): Operation<boolean> {
  if (state.failed) {
    yield* state.driver!.halt();
    throw state.error;
  }
  if (state.sourceDone && state.inflight === 0) return false;
  state.ready.reset();
  yield* state.ready.wait();
  return true;
}

function* nextResult<T, R>(state: MapState<T, R>): Operation<IteratorResult<R, void>> {
  for (;;) {
    const value = state.failed ? EMPTY : state.take();
    if (value !== EMPTY) return { done: false, value: value as R };
    if (!(yield* more(state))) return DONE;
  }
}

/** Internal. Every result, taken in batches as they come. */
function* collect<T, R>(state: MapState<T, R>): Operation<R[]> {
  const results: R[] = [];
  do {
    if (state.failed) continue;
    for (let value = state.take(); value !== EMPTY; value = state.take()) {
      results.push(value as R);
    }
  } while (yield* more(state));
  return results;
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
  const open = resource<MapState<T, R>>(
    function* (provide) {
      const state = new MapState<T, R>(concurrency, ordered, settle, fn);
      state.driver = yield* spawn(() => drive(state, items), { name: "mapConcurrent driver" });
      yield* provide(state);
    },
    { name: "mapConcurrent" },
  );
  function* subscribe(): Operation<Subscription<R, void>> {
    const state = yield* open;
    const next: Operation<IteratorResult<R, void>> = {
      [Symbol.iterator]: () => nextResult(state)[Symbol.iterator](),
    };
    return { next: () => next };
  }
  return {
    [Symbol.iterator]: () => subscribe()[Symbol.iterator](),
    toArray: () =>
      scoped(function* () {
        return yield* collect(yield* open);
      }),
  };
}
