import type { Instruction } from "./engine/instruction.js";
import { label } from "./label.js";
import { resource } from "./resource.js";
import type { Operation, Stream, Subscription } from "./types.js";
import { until } from "./until.js";

/**
 * Read an async iterator from an operation: each `next()` waits for the iterator's next result.
 * The iterator is not closed for you; prefer {@link stream}, which is.
 *
 * @example
 * ```ts
 * import { run, subscribe } from "@skein/core";
 *
 * async function* numbers() { yield 1; yield 2; }
 * await run(function* () {
 *   const subscription = subscribe(numbers());
 *   console.log(yield* subscription.next()); // { done: false, value: 1 }
 * });
 * ```
 *
 * @param iterator - the async iterator to read
 * @returns a subscription over it
 */
export function subscribe<T, TReturn>(
  iterator: AsyncIterator<T, TReturn>,
): Subscription<T, TReturn> {
  return { next: () => until(iterator.next()) };
}

/**
 * Turn an async iterable (an async generator, a Node stream, a web `ReadableStream`) into a
 * Stream. Each subscription opens its own iterator and, when the subscribing scope ends before
 * the iterator finished, closes it by calling `return()` and waiting for it.
 *
 * @example
 * ```ts
 * import { each, run, stream } from "@skein/core";
 *
 * async function* lines() { yield "a"; yield "b"; }
 * await run(function* () {
 *   for (const line of yield* each(stream(lines()))) {
 *     console.log(line);
 *     yield* each.next();
 *   }
 * });
 * ```
 *
 * @param iterable - the async iterable to read
 * @returns a stream of its items, closing with its return value
 */
export function stream<T, TReturn = void>(iterable: AsyncIterable<T, TReturn>): Stream<T, TReturn> {
  return resource<Subscription<T, TReturn>>(function* (provide) {
    yield* label("stream");
    const iterator = iterable[Symbol.asyncIterator]();
    let finished = false;
    function* read(): Generator<Instruction, IteratorResult<T, TReturn>, unknown> {
      try {
        const result = yield* until(iterator.next());
        if (result.done) finished = true;
        return result;
      } catch (error) {
        finished = true;
        throw error;
      }
    }
    const next: Operation<IteratorResult<T, TReturn>> = { [Symbol.iterator]: read };
    try {
      yield* provide({ next: () => next });
    } finally {
      if (!finished && iterator.return !== undefined) yield* until(iterator.return());
    }
  });
}
