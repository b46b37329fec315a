import { label } from "./label.js";
import { resource } from "./resource.js";
import { createSignal } from "./signal.js";
import { MAX_TIMER_MS, realTimekeeper, type TimerHandle, useTimekeeper } from "./timekeeper.js";
import type { Stream } from "./types.js";

/**
 * A stream that produces an item every `ms` milliseconds (on the scope's {@link Timekeeper})
 * while subscribed; the timer is cleared when the subscription's scope ends.
 *
 * @example
 * ```ts
 * import { each, interval, run } from "@skein/core";
 *
 * await run(function* () {
 *   let ticks = 0;
 *   for (const _ of yield* each(interval(5))) {
 *     if (++ticks === 3) break;
 *     yield* each.next();
 *   }
 * });
 * ```
 *
 * @param ms - the period
 * @returns a stream of ticks
 */
export function interval(ms: number): Stream<void, never> {
  return resource(function* (provide) {
    yield* label(`interval(${ms})`);
    const signal = createSignal<void, never>();
    const time = yield* useTimekeeper();
    if (time === realTimekeeper && ms <= MAX_TIMER_MS) {
      const id = setInterval(() => signal.send(), ms);
      try {
        yield* provide(yield* signal);
      } finally {
        clearInterval(id);
      }
      return;
    }
    let timer: TimerHandle;
    const tick = (): void => {
      timer = time.setTimer(ms, tick);
      signal.send();
    };
    timer = time.setTimer(ms, tick);
    try {
      yield* provide(yield* signal);
    } finally {
      timer.cancel();
    }
  });
}
