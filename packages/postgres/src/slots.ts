import { action, type Operation } from "@skein/core";
import { PoolTimeoutError } from "./errors.js";
import type { PoolStats } from "./pool-stats.js";
import { poolWait } from "./wait-description.js";

/** Internal. One slot taken from {@link Slots}: its value and the function that gives it back. */
export interface Lease<T> {
  readonly value: T;
  release(): void;
}

/** Internal. A fixed set of values lent out one holder at a time, first come, first served. */
export interface Slots<T> {
  /**
   * Take a value, waiting at most `timeoutMs` (then `PoolTimeoutError`). A value granted to a
   * task halted before it resumed is given back here.
   */
  acquire(timeoutMs: number): Operation<Lease<T>>;
  /** How many values are lent out and free, and how many callers wait. */
  stats(): PoolStats;
}

interface Waiter<T> {
  granted: T | undefined;
  grant(value: T): void;
}

/**
 * Internal. Lend out `values`, each to one holder at a time.
 *
 * @param values - the values to lend (connections, or one token)
 * @returns the slots
 */
export function createSlots<T>(values: readonly T[]): Slots<T> {
  const free = [...values];
  const waiters = new Set<Waiter<T>>();
  const giveBack = (value: T): void => {
    for (const waiter of waiters) {
      waiters.delete(waiter);
      waiter.grant(value);
      return;
    }
    free.push(value);
  };
  const lease = (value: T): Lease<T> => {
    let released = false;
    return {
      value,
      release() {
        if (!released) {
          released = true;
          giveBack(value);
        }
      },
    };
  };
  const stats = (): PoolStats => ({
    size: values.length,
    idle: free.length,
    busy: values.length - free.length,
    waiting: waiters.size,
  });
  const describeWait = poolWait(stats);
  return {
    stats,
    acquire(timeoutMs) {
      return {
        *[Symbol.iterator]() {
          const ready = free.pop();
          if (ready !== undefined) return lease(ready);
          const waiter: Waiter<T> = { granted: undefined, grant() {} };
          let taken = false;
          try {
            yield* action<void>((resolve, reject) => {
              waiter.grant = (value) => {
                waiter.granted = value;
                resolve();
              };
              waiters.add(waiter);
              const timer =
                timeoutMs === Infinity
                  ? undefined
                  : setTimeout(() => {
                      waiters.delete(waiter);
                      reject(new PoolTimeoutError(timeoutMs));
                    }, timeoutMs);
              return () => {
                waiters.delete(waiter);
                clearTimeout(timer);
              };
            }, describeWait);
            taken = true;
            return lease(waiter.granted as T);
          } finally {
            if (waiter.granted !== undefined && !taken) giveBack(waiter.granted);
          }
        },
      };
    },
  };
}
