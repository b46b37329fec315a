import { action, type Operation } from "@skein/core";
import { PoolTimeoutError } from "./errors.js";

/** Internal. A counted set of connection slots; waiters are served first come, first served. */
export interface Slots {
  /**
   * Take a slot, waiting at most `timeoutMs` (then `PoolTimeoutError`). Returns the function
   * that gives it back; a slot granted to a task halted before it resumed is given back here.
   */
  acquire(timeoutMs: number): Operation<() => void>;
}

interface Waiter {
  granted: boolean;
  grant(): void;
}

/**
 * Internal. Create `size` slots.
 *
 * @param size - how many holders at once
 * @returns the slots
 */
export function createSlots(size: number): Slots {
  let free = size;
  const waiters = new Set<Waiter>();
  const release = (): void => {
    for (const waiter of waiters) {
      waiters.delete(waiter);
      waiter.grant();
      return;
    }
    free++;
  };
  const releaseOnce = (): (() => void) => {
    let released = false;
    return () => {
      if (!released) {
        released = true;
        release();
      }
    };
  };
  return {
    acquire(timeoutMs) {
      return {
        *[Symbol.iterator]() {
          if (free > 0) {
            free--;
            return releaseOnce();
          }
          const waiter: Waiter = { granted: false, grant() {} };
          let taken = false;
          try {
            yield* action<void>((resolve, reject) => {
              waiter.grant = () => {
                waiter.granted = true;
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
            });
            taken = true;
            return releaseOnce();
          } finally {
            if (waiter.granted && !taken) release();
          }
        },
      };
    },
  };
}
