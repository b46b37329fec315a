import { Deferred } from "./engine/future.js";
import { trapped } from "./engine/trap-scope.js";
import { EmptyRaceError } from "./errors.js";
import { spawn } from "./spawn.js";
import type { Operation, Yielded } from "./types.js";

/** What `inspect()` calls the task of each operation in a race. */
const ENTRANT = { name: "race entrant" };

/**
 * Run operations concurrently; the first to finish (by returning or throwing) decides the
 * result, and every other one is halted before `race` returns.
 *
 * @example
 * ```ts
 * import { race, run, sleep } from "@skein/core";
 *
 * function* after(ms: number, value: string) {
 *   yield* sleep(ms);
 *   return value;
 * }
 * const winner = await run(() => race([after(50, "slow"), after(5, "fast")])); // "fast"
 * ```
 *
 * @param operations - the contestants
 * @returns the winner's value; throws an `EmptyRaceError` when `operations` is empty
 */
export function race<T extends Operation<unknown>>(
  operations: readonly T[],
): Operation<Yielded<T>> {
  return trapped(function* () {
    const entrants = operations.slice();
    if (entrants.length === 0) throw new EmptyRaceError(operations);
    const winner = new Deferred<Yielded<T>>();
    for (const operation of entrants) {
      yield* spawn(function* candidate() {
        try {
          winner.resolve((yield* operation) as Yielded<T>);
        } catch (error) {
          // A loser's cleanup that throws after the race is decided is a failure of its own.
          if (winner.settled) throw error;
          winner.reject(error);
        }
      }, ENTRANT);
    }
    return yield* winner;
  });
}
