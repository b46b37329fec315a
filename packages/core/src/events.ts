import { resource } from "./resource.js";
import { createSignal } from "./signal.js";
import type { Operation, Stream } from "./types.js";

/** Anything with `addEventListener`/`removeEventListener` (DOM, `AbortSignal`, `MessagePort`).
 *
 * @example
 * ```ts
 * import { once, type EventTargetLike } from "@skein/core";
 *
 * const target: EventTargetLike = new AbortController().signal;
 * const aborted = once(target, "abort");
 * ```
 */
export interface EventTargetLike {
  addEventListener(type: string, listener: (event: any) => void): void;
  removeEventListener(type: string, listener: (event: any) => void): void;
}

/** A Node `EventEmitter` (or anything with `on` and `off`).
 *
 * @example
 * ```ts
 * import { EventEmitter } from "node:events";
 * import { on, type EmitterLike } from "@skein/core";
 *
 * const emitter: EmitterLike = new EventEmitter();
 * const messages = on(emitter, "message");
 * ```
 */
export interface EmitterLike {
  on(event: string | symbol, listener: (...args: any[]) => void): unknown;
  off(event: string | symbol, listener: (...args: any[]) => void): unknown;
}

/**
 * The event names a typed `EventTarget` declares in its `addEventListener` overloads, for
 * autocompletion of {@link on} and {@link once} names.
 *
 * @example
 * ```ts
 * import type { EventList } from "@skein/core";
 *
 * type Names = EventList<WebSocket>; // "open" | "message" | "close" | "error" ...
 * ```
 */
export type EventList<T> = T extends {
  addEventListener(type: infer P, ...args: any): void;
  addEventListener(type: infer _P2, ...args: any): void;
}
  ? P & string
  : never;

type FN = (...args: any[]) => any;

/** The event type for `name` on `T`: the DOM's `on<name>` typing, or `Event`/`unknown[]`.
 *
 * @example
 * ```ts
 * import type { EventOf } from "@skein/core";
 *
 * type Abort = EventOf<AbortSignal, "abort">; // Event
 * ```
 */
export type EventOf<T, K extends string> = T extends EventTargetLike
  ? `on${K}` extends keyof T
    ? Parameters<Extract<T[`on${K}`], FN>>[0]
    : Event
  : unknown[];

function isEventTarget(target: EventTargetLike | EmitterLike): target is EventTargetLike {
  return typeof (target as EventTargetLike).addEventListener === "function";
}

/**
 * A stream of the events `name` of an `EventTarget`, or of a Node `EventEmitter` (each item is
 * then the array of the listener's arguments). The listener is removed when the subscription's
 * scope ends.
 *
 * @example
 * ```ts
 * import { EventEmitter } from "node:events";
 * import { each, on, run, spawn } from "@skein/core";
 *
 * const emitter = new EventEmitter();
 * await run(function* () {
 *   const subscription = yield* on(emitter, "data");
 *   emitter.emit("data", "a", 1);
 *   console.log(yield* subscription.next()); // { done: false, value: ["a", 1] }
 * });
 * ```
 *
 * @param target - an EventTarget or EventEmitter
 * @param name - the event name
 * @returns a stream of events
 */
export function on<T extends EventTargetLike | EmitterLike, K extends string>(
  target: T,
  name: K,
): Stream<EventOf<T, K>, never> {
  return resource(
    function* (provide) {
      const signal = createSignal<EventOf<T, K>, never>();
      if (isEventTarget(target)) {
        const listener = (event: EventOf<T, K>) => signal.send(event);
        // Subscribe before listening: an event fired in between would reach no subscriber.
        const subscription = yield* signal;
        target.addEventListener(name, listener);
        try {
          yield* provide(subscription);
        } finally {
          target.removeEventListener(name, listener);
        }
      } else {
        const listener = (...args: unknown[]) => signal.send(args as EventOf<T, K>);
        const subscription = yield* signal;
        target.on(name, listener);
        try {
          yield* provide(subscription);
        } finally {
          target.off(name, listener);
        }
      }
    },
    { name: `on ${name}` },
  );
}

/**
 * Wait for the next event `name` (see {@link on} for what an event is).
 *
 * @example
 * ```ts
 * import { once, run } from "@skein/core";
 *
 * const controller = new AbortController();
 * setTimeout(() => controller.abort(), 10);
 * await run(function* () {
 *   yield* once(controller.signal, "abort");
 * });
 * ```
 *
 * @param target - an EventTarget or EventEmitter
 * @param name - the event name
 * @returns an operation yielding the event
 */
export function once<T extends EventTargetLike | EmitterLike, K extends string>(
  target: T,
  name: K,
): Operation<EventOf<T, K>> {
  return {
    *[Symbol.iterator]() {
      const subscription = yield* on(target, name);
      const next = yield* subscription.next();
      return next.value as EventOf<T, K>;
    },
  };
}
