import type { Instruction } from "./engine/instruction.js";
import { Lazy } from "./engine/lazy.js";
import { Parked } from "./parked.js";
import { assertPositiveInteger } from "./positive-integer.js";
import type { Operation } from "./types.js";
import { WaitList } from "./wait-list.js";

/**
 * A barrier from {@link createBarrier}: `parties` tasks wait for each other, then all go on.
 *
 * @example
 * ```ts
 * import { type Barrier, createBarrier } from "@skein/core";
 *
 * const allLoaded: Barrier = createBarrier(3);
 * ```
 */
export interface Barrier {
  /**
   * Wait until `parties` tasks are waiting, then release them all. Resolves to this task's place
   * in the arrival order, 0 to `parties - 1`.
   */
  wait(): Operation<number>;
  /** How many tasks each round needs. */
  readonly parties: number;
  /** Tasks waiting in the current round. */
  readonly waiting: number;
}

interface Round {
  readonly waiters: WaitList<Parked<number>>;
}

function* arrive(state: {
  round: Round;
  parties: number;
}): Generator<Instruction, number, unknown> {
  const { round, parties } = state;
  const place = round.waiters.size;
  if (place + 1 === parties) {
    // The last arrival opens this round (in arrival order) and starts the next one.
    state.round = { waiters: new WaitList() };
    let i = 0;
    for (let w = round.waiters.shift(); w !== undefined; w = round.waiters.shift()) w.wake(i++);
    return place;
  }
  // A halted waiter leaves the list, so the places of those after it move up by one.
  const parked = new Parked<number>(
    round.waiters,
    () => `barrier (${round.waiters.size} of ${parties} waiting)`,
  );
  return yield* parked;
}

/**
 * Create a reusable barrier for `parties` tasks, like asyncio's `Barrier`: each `wait()` blocks
 * until `parties` tasks are waiting, then they are all released together and the barrier starts
 * a new round. A task halted while it waits leaves the round, which then needs one more arrival.
 *
 * @example
 * ```ts
 * import { createBarrier, run, spawn } from "@skein/core";
 *
 * await run(function* () {
 *   const ready = createBarrier(3);
 *   for (const name of ["a", "b", "c"]) {
 *     yield* spawn(function* () {
 *       // ... warm up
 *       yield* ready.wait(); // nobody starts before all three are warm
 *       console.log(`${name} starts`);
 *     });
 *   }
 * });
 * ```
 *
 * @param parties - how many tasks each round needs, a positive integer
 * @returns the barrier
 */
export function createBarrier(parties: number): Barrier {
  assertPositiveInteger("createBarrier()", "parties", parties);
  const state = { round: { waiters: new WaitList<Parked<number>>() } as Round, parties };
  return {
    wait: () => new Lazy(arrive, state, undefined, undefined),
    parties,
    get waiting() {
      return state.round.waiters.size;
    },
  };
}
