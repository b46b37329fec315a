import type { Operation, Stream } from "./types.js";

/**
 * A function from one stream to another, as {@link pipe} composes them.
 *
 * @example
 * ```ts
 * import { map, type StreamOperator } from "@skein/core";
 *
 * const double: StreamOperator<number, number> = map(function* (n: number) { return n * 2; });
 * ```
 */
export type StreamOperator<T, U> = <R>(stream: Stream<T, R>) => Stream<U, R>;

/**
 * Transform each item of a stream with an operation, one at a time: the next item is not read
 * before the previous one is transformed and taken (backpressure). The upstream subscription
 * closes with the subscribing scope.
 *
 * @example
 * ```ts
 * import { createChannel, map, run, spawn } from "@skein/core";
 *
 * await run(function* () {
 *   const numbers = createChannel<number>();
 *   const doubled = yield* map(function* (n: number) { return n * 2; })(numbers);
 *   yield* spawn(() => numbers.send(21));
 *   console.log(yield* doubled.next()); // { done: false, value: 42 }
 * });
 * ```
 *
 * @param fn - the transformation
 * @returns an operator
 */
export function map<T, U>(fn: (value: T) => Operation<U>): StreamOperator<T, U> {
  return <R>(stream: Stream<T, R>): Stream<U, R> => ({
    *[Symbol.iterator]() {
      const upstream = yield* stream;
      return {
        *next(): Generator<any, IteratorResult<U, R>, any> {
          const next = yield* upstream.next();
          if (next.done) return next;
          return { done: false, value: yield* fn(next.value) };
        },
      };
    },
  });
}

/**
 * Keep the items of a stream for which `predicate` (an operation) yields true.
 *
 * @example
 * ```ts
 * import { filter, pipe, stream } from "@skein/core";
 *
 * async function* numbers() { yield 1; yield 2; yield 3; }
 * const odd = pipe(stream(numbers()), filter(function* (n: number) { return n % 2 === 1; }));
 * ```
 *
 * @param predicate - whether to keep an item
 * @returns an operator
 */
export function filter<T>(predicate: (value: T) => Operation<boolean>): StreamOperator<T, T> {
  return <R>(stream: Stream<T, R>): Stream<T, R> => ({
    *[Symbol.iterator]() {
      const upstream = yield* stream;
      return {
        *next(): Generator<any, IteratorResult<T, R>, any> {
          for (;;) {
            const next = yield* upstream.next();
            if (next.done || (yield* predicate(next.value))) return next;
          }
        },
      };
    },
  });
}
