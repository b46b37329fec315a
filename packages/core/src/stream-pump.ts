import { label } from "./label.js";
import { resource } from "./resource.js";
import { spawn } from "./spawn.js";
import { createTaskQueue } from "./task-queue.js";
import type { Operation, Stream } from "./types.js";

/** Internal. What a pump carries: an item, the end, or a failure. */
export type Envelope<T, R> =
  | { kind: "item"; value: T }
  | { kind: "end"; value: R }
  | { kind: "error"; error: unknown };

/** Internal. The consumer side of a pump. */
export interface Pumped<T, R> {
  /** The next envelope, waiting for one; safe to halt (nothing is lost). */
  take(): Operation<Envelope<T, R>>;
}

/**
 * Internal. Read `upstreams` ahead in tasks of their own into a queue of `capacity` envelopes,
 * so that a consumer can wait for the next item with a time limit without losing one. Each
 * pump waits while the queue is full (backpressure), and all of them stop when the subscribing
 * scope ends, closing their upstream subscriptions.
 */
export function pump<T, R>(
  upstreams: readonly Stream<T, R>[],
  capacity: number,
): Operation<Pumped<T, R>> {
  return resource<Pumped<T, R>>(function* (provide) {
    yield* label("stream operator");
    const queue = createTaskQueue<Envelope<T, R>>({ maxSize: capacity });
    for (const upstream of upstreams) {
      yield* spawn(
        function* () {
          let envelope: Envelope<T, R>;
          try {
            const subscription = yield* upstream;
            for (;;) {
              const next = yield* subscription.next();
              if (next.done) {
                envelope = { kind: "end", value: next.value };
                break;
              }
              yield* queue.put({ kind: "item", value: next.value });
            }
          } catch (error) {
            envelope = { kind: "error", error };
          }
          yield* queue.put(envelope);
        },
        { name: "stream pump" },
      );
    }
    yield* provide({ take: () => queue.get() });
  });
}

/** Internal. Turn envelopes back into a subscription's results; the end repeats once reached. */
export function unwrapper<T, R>(): (envelope: Envelope<T, R>) => IteratorResult<T, R> {
  let ended: IteratorReturnResult<R> | undefined;
  return (envelope) => {
    if (ended !== undefined) return ended;
    if (envelope.kind === "item") return { done: false, value: envelope.value };
    if (envelope.kind === "error") throw envelope.error;
    ended = { done: true, value: envelope.value };
    return ended;
  };
}
