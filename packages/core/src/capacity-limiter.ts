import { InstructionOperation, NEXT } from "./engine/instruction.js";
import { Lazy } from "./engine/lazy.js";
import type { TaskImpl } from "./engine/task.js";
import { Parked } from "./parked.js";
import { resource } from "./resource.js";
import type { Operation } from "./types.js";
import { WaitList } from "./wait-list.js";

/**
 * A pool of tokens lent to borrowers, like AnyIO's `CapacityLimiter`: a semaphore that knows who
 * holds each token. A borrower (the current task unless you name one) holds at most one token.
 *
 * @example
 * ```ts
 * import { type CapacityLimiter, createCapacityLimiter } from "@skein/core";
 *
 * const downloads: CapacityLimiter = createCapacityLimiter(4);
 * ```
 */
export interface CapacityLimiter {
  /** Tokens in all. Setting it resizes the pool; new tokens go to waiters at once. */
  totalTokens: number;
  /** Tokens lent out now (may exceed `totalTokens` just after shrinking). */
  readonly borrowedTokens: number;
  /** Tokens free now. */
  readonly availableTokens: number;
  /** Borrow a token for the current task, waiting for one, until the current scope ends. */
  acquire(): Operation<void>;
  /** Borrow a token for `borrower` (any object or string), until the current scope ends. */
  acquireOnBehalfOf(borrower: unknown): Operation<void>;
  /** Run `operation` holding a token for the current task (or `borrower`). */
  withToken<T>(operation: () => Operation<T>, borrower?: unknown): Operation<T>;
  /** Counts and the borrowers, for monitoring. */
  statistics(): CapacityLimiterStatistics;
}

/**
 * What {@link CapacityLimiter.statistics} reports.
 *
 * @example
 * ```ts
 * import { type CapacityLimiterStatistics, createCapacityLimiter } from "@skein/core";
 *
 * const stats: CapacityLimiterStatistics = createCapacityLimiter(2).statistics();
 * console.log(stats.borrowers.length); // 0
 * ```
 */
export interface CapacityLimiterStatistics {
  readonly totalTokens: number;
  readonly borrowedTokens: number;
  /** Who holds a token, in the order they got it. */
  readonly borrowers: readonly unknown[];
  /** Borrowers waiting for a token. */
  readonly tasksWaiting: number;
}

/**
 * Thrown when a borrower asks for a second token while it holds one. Its `code` is
 * `"already-borrowing"`; `borrower` is who asked.
 *
 * @example
 * ```ts
 * import { CapacityLimiterError } from "@skein/core";
 *
 * const error = new CapacityLimiterError("worker-1");
 * console.log(error.code); // "already-borrowing"
 * ```
 */
export class CapacityLimiterError extends Error {
  readonly code = "already-borrowing";
  override name = "CapacityLimiterError";
  /**
   * @param borrower - the borrower that already holds a token
   */
  constructor(readonly borrower: unknown) {
    super(`${String(borrower)} already holds a token of this capacity limiter`);
  }
}

function assertTokens(value: unknown): number {
  if (typeof value !== "number" || !(value >= 1) || !Number.isInteger(value)) {
    const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
    throw new TypeError(
      `capacity limiter: totalTokens must be a positive integer, received ${shown}`,
    );
  }
  return value;
}

class Pool {
  readonly borrowers = new Set<unknown>();
  readonly waiters = new WaitList<Parked<void>>();
  /** Tokens handed to waiters that have not run yet to take them. */
  granted = 0;
  constructor(public total: number) {}

  get lent(): number {
    return this.borrowers.size + this.granted;
  }

  grantWaiting(): void {
    while (this.lent < this.total) {
      const next = this.waiters.shift();
      if (next === undefined) return;
      this.granted++;
      next.wake(undefined);
    }
  }
}

class CurrentTask extends InstructionOperation<TaskImpl> {
  enter(task: TaskImpl): void {
    task.resume(NEXT, task);
  }
}

const NO_BORROWER: unique symbol = Symbol("current task");

function* borrowing<T>(
  pool: Pool,
  operation: () => Operation<T>,
  named: unknown,
): Generator<any, T, unknown> {
  const borrower = named === NO_BORROWER ? yield* new CurrentTask() : named;
  if (pool.borrowers.has(borrower)) throw new CapacityLimiterError(borrower);
  let parked: Parked<void> | undefined;
  let holding = false;
  if (pool.lent < pool.total && pool.waiters.size === 0) {
    pool.borrowers.add(borrower);
    holding = true;
  } else {
    parked = new Parked<void>(
      pool.waiters,
      () =>
        `capacity limiter (${pool.lent} of ${pool.total} tokens lent, ${pool.waiters.size} waiting)`,
    );
  }
  try {
    if (parked !== undefined) {
      yield* parked;
      pool.granted--;
      pool.borrowers.add(borrower);
      holding = true;
    }
    return yield* operation();
  } finally {
    if (holding) pool.borrowers.delete(borrower);
    else if (parked?.woken) pool.granted--; // halted between the grant and taking it
    if (holding || parked?.woken) pool.grantWaiting();
  }
}

/**
 * Create a capacity limiter with `totalTokens` tokens. Waiters are served first in, first out; a
 * waiter halted before it gets a token leaves the line, and a token handed to a waiter halted
 * before it runs goes to the next one.
 *
 * @example
 * ```ts
 * import { createCapacityLimiter, run, sleep, spawn } from "@skein/core";
 *
 * await run(function* () {
 *   const limiter = createCapacityLimiter(2);
 *   for (let i = 0; i < 5; i++) {
 *     yield* spawn(() =>
 *       limiter.withToken(function* () {
 *         console.log(limiter.statistics().borrowedTokens); // at most 2
 *         yield* sleep(10);
 *       }),
 *     );
 *   }
 * });
 * ```
 *
 * @param totalTokens - tokens in all, a positive integer
 * @returns the limiter
 */
export function createCapacityLimiter(totalTokens: number): CapacityLimiter {
  const pool = new Pool(assertTokens(totalTokens));
  const withToken = <T>(operation: () => Operation<T>, borrower: unknown = NO_BORROWER) =>
    new Lazy(borrowing<T>, pool, operation, borrower);
  return {
    get totalTokens() {
      return pool.total;
    },
    set totalTokens(total: number) {
      pool.total = assertTokens(total);
      pool.grantWaiting();
    },
    get borrowedTokens() {
      return pool.borrowers.size;
    },
    get availableTokens() {
      return Math.max(0, pool.total - pool.lent);
    },
    acquire: () => ({
      *[Symbol.iterator]() {
        const task = yield* new CurrentTask();
        yield* resource<void>((provide) => withToken(() => provide(), task), {
          name: "capacity limiter token",
        });
      },
    }),
    acquireOnBehalfOf: (borrower) =>
      resource<void>((provide) => withToken(() => provide(), borrower), {
        name: "capacity limiter token",
      }),
    withToken,
    statistics: () => ({
      totalTokens: pool.total,
      borrowedTokens: pool.borrowers.size,
      borrowers: [...pool.borrowers],
      tasksWaiting: pool.waiters.size,
    }),
  };
}
