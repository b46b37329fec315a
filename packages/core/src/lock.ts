import { semaphoreOf } from "./semaphore.js";
import type { Operation } from "./types.js";

/**
 * A mutual-exclusion lock: one holder at a time, waiters served first in, first out.
 *
 * @example
 * ```ts
 * import { createLock, type Lock } from "@skein/core";
 *
 * const lock: Lock = createLock();
 * ```
 */
export interface Lock {
  /** Whether someone holds the lock right now. */
  readonly locked: boolean;
  /** Take the lock (waiting if it is held) and hold it until the current scope ends. */
  acquire(): Operation<void>;
  /** Run `operation` holding the lock; it is released when the operation ends in any way. */
  withLock<T>(operation: () => Operation<T>): Operation<T>;
  /** Whether it is held and how many tasks wait for it. */
  statistics(): LockStatistics;
}

/**
 * What {@link Lock.statistics} reports.
 *
 * @example
 * ```ts
 * import { createLock, type LockStatistics } from "@skein/core";
 *
 * const stats: LockStatistics = createLock().statistics();
 * console.log(stats); // { locked: false, waiting: 0 }
 * ```
 */
export interface LockStatistics {
  readonly locked: boolean;
  readonly waiting: number;
}

/**
 * Create a lock, the semaphore of one permit.
 *
 * @example
 * ```ts
 * import { createLock, run, spawn } from "@skein/core";
 *
 * await run(function* () {
 *   const lock = createLock();
 *   let balance = 0;
 *   for (let i = 0; i < 3; i++) {
 *     yield* spawn(() =>
 *       lock.withLock(function* () {
 *         balance += 1; // no other task is inside this block now
 *       }),
 *     );
 *   }
 * });
 * ```
 *
 * @returns the lock
 */
export function createLock(): Lock {
  const semaphore = semaphoreOf("lock", 1);
  return {
    get locked() {
      return semaphore.available === 0;
    },
    acquire: () => semaphore.acquire(),
    withLock: (operation) => semaphore.withPermit(operation),
    statistics: () => ({
      locked: semaphore.available === 0,
      waiting: semaphore.statistics().waiting,
    }),
  };
}
