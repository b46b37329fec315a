import { pump, unwrapper } from "./stream-pump.js";
import type { Stream } from "./types.js";

/**
 * Read up to `size` items ahead of the consumer (plus the one the reader holds while it waits), so a bursty producer and a slow consumer
 * overlap; beyond that the producer waits (backpressure). The reader stops, and the upstream
 * closes, with the subscribing scope.
 *
 * @example
 * ```ts
 * import { buffer, pipe, stream } from "@skein/core";
 *
 * async function* pages() { yield "page 1"; yield "page 2"; }
 * const prefetched = pipe(stream(pages()), buffer(10));
 * ```
 *
 * @param size - how many items to hold, a positive integer
 * @returns an operator
 */
export function buffer(size: number): <T, R>(stream: Stream<T, R>) => Stream<T, R> {
  if (typeof size !== "number" || !Number.isInteger(size) || size < 1) {
    throw new TypeError(`buffer(): size must be a positive integer, got ${String(size)}`);
  }
  return <T, R>(stream: Stream<T, R>): Stream<T, R> => ({
    *[Symbol.iterator]() {
      const source = yield* pump([stream], size);
      const unwrap = unwrapper<T, R>();
      return {
        *next(): Generator<any, IteratorResult<T, R>, any> {
          return unwrap(yield* source.take());
        },
      };
    },
  });
}
