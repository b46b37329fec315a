import { createQueue, type Queue } from "./queue.js";
import { resource } from "./resource.js";
import type { Stream } from "./types.js";

/**
 * A stream fed from plain callbacks with `send` and ended with `close`.
 *
 * @example
 * ```ts
 * import { createSignal, type Signal } from "@skein/core";
 *
 * const clicks: Signal<string, never> = createSignal();
 * ```
 */
export interface Signal<T, TClose> extends Stream<T, TClose> {
  send(value: T): void;
  close(value: TClose): void;
}

/**
 * Create a signal: connect a callback API (events, `setInterval`, a socket) to operations.
 * Every subscriber gets every value sent after it subscribed. Use a channel to send from inside
 * an operation.
 *
 * @example
 * ```ts
 * import { createSignal, each, run, spawn } from "@skein/core";
 *
 * await run(function* () {
 *   const ticks = createSignal<number, void>();
 *   yield* spawn(function* () {
 *     for (const n of yield* each(ticks)) {
 *       console.log(n);
 *       yield* each.next();
 *     }
 *   });
 *   ticks.send(1);
 *   ticks.close();
 * });
 * ```
 *
 * @returns the signal
 */
export function createSignal<T, TClose = never>(): Signal<T, TClose> {
  const subscribers = new Set<Queue<T, TClose>>();
  const subscribe = resource<Queue<T, TClose>>(function* (provide) {
    const queue = createQueue<T, TClose>();
    subscribers.add(queue);
    try {
      yield* provide(queue);
    } finally {
      subscribers.delete(queue);
    }
  });
  return {
    [Symbol.iterator]: () => subscribe[Symbol.iterator](),
    send(value: T) {
      for (const queue of subscribers) queue.add(value);
    },
    close(value: TClose) {
      for (const queue of subscribers) queue.close(value);
    },
  } as Signal<T, TClose>;
}
