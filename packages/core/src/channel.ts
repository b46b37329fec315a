import { lift } from "./lift.js";
import { createSignal } from "./signal.js";
import type { Operation, Stream } from "./types.js";

/**
 * A stream that operations send to with `yield* channel.send(value)`.
 *
 * @example
 * ```ts
 * import { createChannel, type Channel } from "@skein/core";
 *
 * const messages: Channel<string, void> = createChannel();
 * ```
 */
export interface Channel<T, TClose> extends Stream<T, TClose> {
  send(message: T): Operation<void>;
  close(value: TClose): Operation<void>;
}

/**
 * Create a channel: a broadcast stream between operations. Each subscriber sees the messages
 * sent after it subscribed.
 *
 * @example
 * ```ts
 * import { createChannel, run } from "@skein/core";
 *
 * await run(function* () {
 *   const channel = createChannel<string, void>();
 *   const subscription = yield* channel;
 *   yield* channel.send("hello");
 *   console.log(yield* subscription.next()); // { done: false, value: "hello" }
 * });
 * ```
 *
 * @returns the channel
 */
export function createChannel<T, TClose = void>(): Channel<T, TClose> {
  const signal = createSignal<T, TClose>();
  return {
    [Symbol.iterator]: () => signal[Symbol.iterator](),
    send: lift((message: T) => signal.send(message)),
    close: lift((value: TClose) => signal.close(value)),
  };
}
