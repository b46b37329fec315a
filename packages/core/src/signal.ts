import { createContext } from "./context.js";
import { createQueue, type Queue } from "./queue.js";
import { resource } from "./resource.js";
import type { Context, Stream, Subscription } from "./types.js";

/**
 * The context that makes the queue behind each subscription to a signal (and so to a channel,
 * `on()` and `interval()` streams built on signals). Set it in a scope to change how the
 * subscriptions made there buffer: filter, drop, or bound what they hold. The default is
 * {@link createQueue}, which keeps every item.
 *
 * @example
 * ```ts
 * import { createQueue, createSignal, run, SignalQueueFactory, spawn } from "@skein/core";
 *
 * await run(function* () {
 *   const numbers = createSignal<number, void>();
 *   // Subscriptions made in this scope keep only even numbers.
 *   yield* SignalQueueFactory.set(<T, TClose>() => {
 *     const queue = createQueue<T, TClose>();
 *     return { ...queue, add: (n: T) => ((n as number) % 2 === 0 ? queue.add(n) : undefined) };
 *   });
 *   const subscription = yield* numbers;
 *   for (const n of [1, 2, 3, 4]) numbers.send(n);
 *   console.log(yield* subscription.next()); // { done: false, value: 2 }
 * });
 * ```
 */
export const SignalQueueFactory: Context<typeof createQueue> = createContext(
  "Signal.createQueue",
  createQueue,
);

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
 * Thrown when a signal is subscribed to in a scope whose {@link SignalQueueFactory} holds
 * something other than a function. The value is kept in `value`.
 *
 * @example
 * ```ts
 * import { createSignal, InvalidQueueFactoryError, run, SignalQueueFactory } from "@skein/core";
 *
 * await run(function* () {
 *   yield* SignalQueueFactory.set("not a factory" as never);
 *   try {
 *     yield* createSignal<number, void>();
 *   } catch (error) {
 *     console.log(error instanceof InvalidQueueFactoryError); // true
 *   }
 * });
 * ```
 */
export class InvalidQueueFactoryError extends TypeError {
  readonly code = "invalid-queue-factory";
  override name = "InvalidQueueFactoryError";
  constructor(readonly value: unknown) {
    super(`SignalQueueFactory must hold a function that makes a queue, got ${typeof value}`);
  }
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
  const subscribe = resource<Subscription<T, TClose>>(
    function* (provide) {
      const newQueue = yield* SignalQueueFactory.expect();
      if (typeof newQueue !== "function") throw new InvalidQueueFactoryError(newQueue);
      const queue = newQueue<T, TClose>();
      subscribers.add(queue);
      try {
        // Only `next`: the subscriber must not be able to add to or close its own queue.
        yield* provide({ next: () => queue.next() });
      } finally {
        subscribers.delete(queue);
      }
    },
    { name: "signal subscription" },
  );
  return {
    [Symbol.iterator]: () => subscribe[Symbol.iterator](),
    // Over a copy: a custom queue's `add` may resume a subscriber that unsubscribes at once.
    send(value: T) {
      for (const queue of [...subscribers]) queue.add(value);
    },
    close(value: TClose) {
      for (const queue of [...subscribers]) queue.close(value);
    },
  } as Signal<T, TClose>;
}
