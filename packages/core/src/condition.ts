import type { Instruction } from "./engine/instruction.js";
import { Lazy } from "./engine/lazy.js";
import { Parked } from "./parked.js";
import { assertPositiveInteger } from "./positive-integer.js";
import type { Operation } from "./types.js";
import { WaitList } from "./wait-list.js";

/**
 * A condition variable: tasks wait until another task says something changed.
 *
 * @example
 * ```ts
 * import { type Condition, createCondition } from "@skein/core";
 *
 * const changed: Condition = createCondition();
 * ```
 */
export interface Condition {
  /** Wait for the next `notify()` or `notifyAll()`. */
  wait(): Operation<void>;
  /** Return at once if `predicate()` holds, else wait for notifications until it does. */
  waitFor(predicate: () => boolean): Operation<void>;
  /** Wake the `n` (default 1) longest waiters. */
  notify(n?: number): void;
  /** Wake every waiter. */
  notifyAll(): void;
  /** Tasks waiting now. */
  readonly waiting: number;
}

function* waitUntil(
  waiters: WaitList<Parked<void>>,
  predicate: () => boolean,
): Generator<Instruction, void, unknown> {
  while (!predicate()) yield* new Parked<void>(waiters, "condition");
}

/**
 * Create a condition variable, like asyncio's `Condition`. There is no lock to hold around
 * `wait()`: a task runs undisturbed from checking its predicate to parking, so no other task
 * can change the state in between. A waiter that is halted simply leaves.
 *
 * @example
 * ```ts
 * import { createCondition, run, spawn } from "@skein/core";
 *
 * await run(function* () {
 *   const changed = createCondition();
 *   const items: string[] = [];
 *   const consumer = yield* spawn(function* () {
 *     yield* changed.waitFor(() => items.length > 0);
 *     return items.shift();
 *   });
 *   items.push("job");
 *   changed.notifyAll();
 *   console.log(yield* consumer); // "job"
 * });
 * ```
 *
 * @returns the condition
 */
export function createCondition(): Condition {
  const waiters = new WaitList<Parked<void>>();
  const notify = (n = 1): void => {
    assertPositiveInteger("notify()", "n", n);
    for (let i = 0; i < n; i++) {
      const next = waiters.shift();
      if (next === undefined) return;
      next.wake(undefined);
    }
  };
  return {
    wait: () => new Parked<void>(waiters, "condition"),
    waitFor: (predicate) => {
      if (typeof predicate !== "function") {
        throw new TypeError(`waitFor(): predicate must be a function, got ${String(predicate)}`);
      }
      return new Lazy(waitUntil, waiters, predicate, undefined);
    },
    notify,
    notifyAll: () => notify(Math.max(1, waiters.size)),
    get waiting() {
      return waiters.size;
    },
  };
}
