import { moveOnAfter } from "./move-on-after.js";
import { type Envelope, pump, unwrapper } from "./stream-pump.js";
import { useTimekeeper } from "./timekeeper.js";
import type { Stream } from "./types.js";

/**
 * Options of {@link batch}: a batch is sent when it holds `size` items or when `timeMs` has
 * passed since its first item, whichever comes first.
 *
 * @example
 * ```ts
 * import type { BatchOptions } from "@skein/core";
 *
 * const options: BatchOptions = { size: 100, timeMs: 50 };
 * ```
 */
export interface BatchOptions {
  /** The most items in a batch, a positive integer. Default: no limit (needs `timeMs`). */
  size?: number;
  /** The longest a batch waits after its first item, in milliseconds. Default: no limit. */
  timeMs?: number;
}

/**
 * Group a stream's items into arrays by size and by time, for example to write rows to a
 * database in bulk. An empty batch is never sent; what is left when the stream ends is sent
 * before the end. One item is read ahead of the consumer.
 *
 * @example
 * ```ts
 * import { batch, each, pipe, run, stream } from "@skein/core";
 *
 * async function* rows() { for (let i = 0; i < 5; i++) yield i; }
 * await run(function* () {
 *   for (const rows of yield* each(pipe(stream(rows()), batch({ size: 2 })))) {
 *     console.log(rows); // [0, 1], [2, 3], [4]
 *     yield* each.next();
 *   }
 * });
 * ```
 *
 * @param options - `size` and/or `timeMs`
 * @returns an operator
 */
export function batch(options: BatchOptions): <T, R>(stream: Stream<T, R>) => Stream<T[], R> {
  const { size = Infinity, timeMs = Infinity } = options ?? {};
  if (size !== Infinity && (!Number.isInteger(size) || size < 1)) {
    throw new TypeError(`batch(): size must be a positive integer, got ${String(size)}`);
  }
  if (typeof timeMs !== "number" || !(timeMs >= 0)) {
    throw new TypeError(`batch(): timeMs must be a non-negative number, got ${String(timeMs)}`);
  }
  if (size === Infinity && timeMs === Infinity) {
    throw new TypeError("batch(): give a size, a timeMs, or both");
  }
  return <T, R>(stream: Stream<T, R>): Stream<T[], R> => ({
    *[Symbol.iterator]() {
      const source = yield* pump([stream], 1);
      const time = yield* useTimekeeper();
      const unwrap = unwrapper<T, R>();
      let pending: Envelope<T, R> | undefined;
      return {
        *next(): Generator<any, IteratorResult<T[], R>, any> {
          const first = unwrap(pending ?? (yield* source.take()));
          pending = undefined;
          if (first.done) return first;
          const items = [first.value];
          const until = time.now() + timeMs;
          while (items.length < size) {
            const left = until - time.now();
            if (left <= 0) break;
            const next =
              left === Infinity
                ? { timedOut: false as const, value: yield* source.take() }
                : yield* moveOnAfter(left, source.take());
            if (next.timedOut) break;
            if (next.value.kind !== "item") {
              // The end or a failure: send this batch first, then report it.
              pending = next.value;
              break;
            }
            items.push(next.value.value);
          }
          return { done: false, value: items };
        },
      };
    },
  });
}
