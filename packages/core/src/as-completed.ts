import { label } from "./label.js";
import { createQueue } from "./queue.js";
import { resource } from "./resource.js";
import { spawn } from "./spawn.js";
import type { Operation, Stream } from "./types.js";

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Run operations concurrently and stream their results in the order they finish, like
 * asyncio's `as_completed`. A failure is thrown from the `next()` that reaches it; the stream
 * ends after the last result. When the consumer stops (its scope ends, or it breaks out of
 * `each`), the operations still running are halted.
 *
 * @example
 * ```ts
 * import { asCompleted, each, run, sleep } from "@skein/core";
 *
 * function* after(ms: number, value: string) {
 *   yield* sleep(ms);
 *   return value;
 * }
 *
 * await run(function* () {
 *   for (const value of yield* each(asCompleted([after(30, "slow"), after(10, "fast")]))) {
 *     console.log(value); // "fast", then "slow"
 *     yield* each.next();
 *   }
 * });
 * ```
 *
 * @param operations - the operations to run, all started at once
 * @returns a stream of their values in completion order
 */
export function asCompleted<T>(operations: Iterable<Operation<T>>): Stream<T, void> {
  const list = [...operations];
  return resource(function* (provide) {
    yield* label("asCompleted");
    const results = createQueue<Settled<T>, never>();
    for (const [i, operation] of list.entries()) {
      yield* spawn(
        function* () {
          try {
            results.add({ ok: true, value: yield* operation });
          } catch (error) {
            results.add({ ok: false, error });
          }
        },
        { name: `asCompleted #${i}` },
      );
    }
    let delivered = 0;
    yield* provide({
      *next() {
        if (delivered === list.length) return { done: true, value: undefined };
        const result = yield* results.next();
        delivered++;
        const settled = result.value as Settled<T>;
        if (!settled.ok) throw settled.error;
        return { done: false, value: settled.value };
      },
    });
  });
}
