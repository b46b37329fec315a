import type { Stream } from "./types.js";

/**
 * End a stream after its first `count` items. Its close value is `undefined` when it ends early.
 * The upstream subscription closes with the subscribing scope.
 *
 * @example
 * ```ts
 * import { each, interval, pipe, run, take } from "@skein/core";
 *
 * await run(function* () {
 *   for (const _ of yield* each(pipe(interval(10), take(3)))) {
 *     yield* each.next(); // three ticks, then the loop ends
 *   }
 * });
 * ```
 *
 * @param count - how many items, a non-negative integer
 * @returns an operator
 */
export function take(count: number): <T, R>(stream: Stream<T, R>) => Stream<T, R | undefined> {
  if (typeof count !== "number" || !Number.isInteger(count) || count < 0) {
    throw new TypeError(`take(): count must be a non-negative integer, got ${String(count)}`);
  }
  return <T, R>(stream: Stream<T, R>): Stream<T, R | undefined> => ({
    *[Symbol.iterator]() {
      const upstream = yield* stream;
      let taken = 0;
      return {
        *next(): Generator<any, IteratorResult<T, R | undefined>, any> {
          if (taken >= count) return { done: true, value: undefined };
          const next = yield* upstream.next();
          if (!next.done) taken++;
          return next;
        },
      };
    },
  });
}

/**
 * Pass items while `predicate` holds; end the stream at the first item for which it does not
 * (that item is dropped).
 *
 * @example
 * ```ts
 * import { pipe, stream, takeWhile } from "@skein/core";
 *
 * async function* numbers() { yield 1; yield 2; yield 10; yield 3; }
 * const small = pipe(stream(numbers()), takeWhile((n: number) => n < 5)); // 1, 2
 * ```
 *
 * @param predicate - whether to go on
 * @returns an operator
 */
export function takeWhile<T>(
  predicate: (value: T) => boolean,
): <R>(stream: Stream<T, R>) => Stream<T, R | undefined> {
  return <R>(stream: Stream<T, R>): Stream<T, R | undefined> => ({
    *[Symbol.iterator]() {
      const upstream = yield* stream;
      let ended = false;
      return {
        *next(): Generator<any, IteratorResult<T, R | undefined>, any> {
          if (ended) return { done: true, value: undefined };
          const next = yield* upstream.next();
          if (next.done) return next;
          if (predicate(next.value)) return next;
          ended = true;
          return { done: true, value: undefined };
        },
      };
    },
  });
}
