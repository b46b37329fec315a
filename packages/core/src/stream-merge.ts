import { pump, unwrapper } from "./stream-pump.js";
import type { Stream } from "./types.js";

/**
 * Interleave several streams into one, items in the order they arrive. It ends when all of
 * them have ended (with `undefined`) and fails as soon as one fails. Each source is read at most
 * one item ahead of the consumer, and all are closed with the subscribing scope.
 *
 * @example
 * ```ts
 * import { createChannel, merge, run, spawn } from "@skein/core";
 *
 * await run(function* () {
 *   const clicks = createChannel<string>();
 *   const keys = createChannel<string>();
 *   const events = yield* merge([clicks, keys]);
 *   yield* spawn(() => keys.send("enter"));
 *   console.log(yield* events.next()); // { done: false, value: "enter" }
 * });
 * ```
 *
 * @param streams - the streams to merge
 * @returns a stream of all their items
 */
export function merge<T>(streams: readonly Stream<T, unknown>[]): Stream<T, void> {
  const sources = [...streams];
  return {
    *[Symbol.iterator]() {
      const source = yield* pump(sources, 1);
      const unwrap = unwrapper<T, unknown>();
      let open = sources.length;
      return {
        *next(): Generator<any, IteratorResult<T, void>, any> {
          while (open > 0) {
            const envelope = yield* source.take();
            if (envelope.kind === "end") {
              open--;
              continue;
            }
            return unwrap(envelope) as IteratorResult<T, void>;
          }
          return { done: true, value: undefined };
        },
      };
    },
  };
}
