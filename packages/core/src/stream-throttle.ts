import { moveOnAfter } from "./move-on-after.js";
import { sleep } from "./sleep.js";
import { type Envelope, pump, unwrapper } from "./stream-pump.js";
import { useTimekeeper } from "./timekeeper.js";
import type { Stream } from "./types.js";

function assertMs(where: string, ms: unknown): void {
  if (typeof ms !== "number" || !(ms >= 0) || ms === Infinity) {
    throw new TypeError(`${where}: ms must be a non-negative finite number, got ${String(ms)}`);
  }
}

/**
 * Pass at most one item every `ms` milliseconds. Nothing is dropped: a reader that asks sooner
 * waits, and so, through backpressure, does the producer.
 *
 * @example
 * ```ts
 * import { pipe, stream, throttle } from "@skein/core";
 *
 * async function* urls() { yield "/a"; yield "/b"; }
 * const polite = pipe(stream(urls()), throttle(1_000)); // one a second
 * ```
 *
 * @param ms - the least time between two items
 * @returns an operator
 */
export function throttle(ms: number): <T, R>(stream: Stream<T, R>) => Stream<T, R> {
  assertMs("throttle()", ms);
  return <T, R>(stream: Stream<T, R>): Stream<T, R> => ({
    *[Symbol.iterator]() {
      const upstream = yield* stream;
      const time = yield* useTimekeeper();
      let last = -Infinity;
      return {
        *next(): Generator<any, IteratorResult<T, R>, any> {
          const wait = last + ms - time.now();
          if (wait > 0) yield* sleep(wait);
          const next = yield* upstream.next();
          last = time.now();
          return next;
        },
      };
    },
  });
}

/**
 * Pass an item only once the stream has been quiet for `ms` milliseconds after it; an item
 * followed sooner by another is dropped. The last item is passed before the end.
 *
 * @example
 * ```ts
 * import { createChannel, debounce, run } from "@skein/core";
 *
 * await run(function* () {
 *   const keystrokes = createChannel<string>();
 *   const settled = yield* debounce(300)(keystrokes); // search once typing pauses
 * });
 * ```
 *
 * @param ms - how long the stream must be quiet
 * @returns an operator
 */
export function debounce(ms: number): <T, R>(stream: Stream<T, R>) => Stream<T, R> {
  assertMs("debounce()", ms);
  return <T, R>(stream: Stream<T, R>): Stream<T, R> => ({
    *[Symbol.iterator]() {
      const source = yield* pump([stream], 1);
      const unwrap = unwrapper<T, R>();
      let pending: Envelope<T, R> | undefined;
      return {
        *next(): Generator<any, IteratorResult<T, R>, any> {
          let latest = unwrap(pending ?? (yield* source.take()));
          pending = undefined;
          if (latest.done) return latest;
          for (;;) {
            const next = yield* moveOnAfter(ms, source.take());
            if (next.timedOut) return latest;
            if (next.value.kind !== "item") {
              pending = next.value;
              return latest;
            }
            latest = { done: false, value: next.value.value };
          }
        },
      };
    },
  });
}
