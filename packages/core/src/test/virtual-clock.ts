import { scheduler } from "../engine/scheduler.js";
import { label } from "../label.js";
import { resource } from "../resource.js";
import { type Timekeeper, TimekeeperContext, type TimerHandle } from "../timekeeper.js";
import type { Operation } from "../types.js";
import { waitAllTasksBlocked } from "./wait-all-tasks-blocked.js";

/**
 * Options of {@link useVirtualClock}.
 *
 * @example
 * ```ts
 * import type { VirtualClockOptions } from "@skein/core/test";
 *
 * const options: VirtualClockOptions = { autojump: true, start: 0 };
 * ```
 */
export interface VirtualClockOptions {
  /** The virtual time at the start, in epoch milliseconds. Default: the real `Date.now()`. */
  start?: number;
  /**
   * Jump to the next timer whenever every task is blocked (Trio's `autojump_threshold=0`).
   * Default `false`: time moves only with {@link VirtualClock.advance}.
   */
  autojump?: boolean;
  /**
   * With `autojump`, how long in real milliseconds everything must look blocked before the clock
   * jumps; give real I/O (a loopback server, a database) this long to answer first. Default 0.
   */
  autojumpThresholdMs?: number;
}

/**
 * A virtual clock from {@link useVirtualClock}: a {@link Timekeeper} whose time moves only when
 * told to (or, with autojump, when every task waits on it).
 *
 * @example
 * ```ts
 * import type { VirtualClock } from "@skein/core/test";
 *
 * function elapsed(clock: VirtualClock, since: number): number {
 *   return clock.now() - since;
 * }
 * ```
 */
export interface VirtualClock extends Timekeeper {
  /**
   * Move time forward by `ms`, a timer at a time: each timer due on the way fires at its own
   * time and the tasks it wakes run (until every task is blocked) before the next one fires.
   */
  advance(ms: number): Operation<void>;
  /** Timers set and not yet fired or cancelled. */
  readonly pendingTimers: number;
  /** Turn autojump on or off. */
  autojump: boolean;
}

/**
 * Thrown for a bad duration or start time given to a virtual clock. Its `code` is
 * `"virtual-clock"`; `value` is what was given.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { useVirtualClock, VirtualClockError } from "@skein/core/test";
 *
 * await run(function* () {
 *   const clock = yield* useVirtualClock();
 *   try {
 *     yield* clock.advance(-1);
 *   } catch (error) {
 *     console.log(error instanceof VirtualClockError); // true
 *   }
 * });
 * ```
 */
export class VirtualClockError extends TypeError {
  readonly code = "virtual-clock";
  override name = "VirtualClockError";
  /**
   * @param what - the option or parameter
   * @param value - the offending value
   */
  constructor(
    what: string,
    readonly value: unknown,
  ) {
    super(`${what} must be a non-negative finite number, got ${String(value)}`);
  }
}

interface VirtualTimer extends TimerHandle {
  readonly at: number;
  readonly seq: number;
  readonly fire: () => void;
}

/** Internal. The clock's state; the watcher jumps time while autojump is on. */
class Clockwork implements VirtualClock {
  private time: number;
  private timers: VirtualTimer[] = [];
  private seq = 0;
  private advancing = false;
  private jumping: boolean;
  private watcher: ReturnType<typeof setImmediate> | ReturnType<typeof setTimeout> | undefined;
  private idleTurns = 0;
  private idleSince = 0;
  private changes = 0;
  private seenChanges = -1;
  private stopped = false;

  constructor(
    start: number,
    autojump: boolean,
    private thresholdMs: number,
  ) {
    this.time = start;
    this.jumping = autojump;
    this.watcher = undefined;
  }

  now(): number {
    return this.time;
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  get autojump(): boolean {
    return this.jumping;
  }

  set autojump(on: boolean) {
    this.jumping = on;
    this.watch();
  }

  setTimer(ms: number, fire: () => void): TimerHandle {
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const timers = this.timers;
    const timer: VirtualTimer = {
      at: this.time + delay,
      seq: this.seq++,
      fire,
      cancel: () => {
        const i = timers.indexOf(timer);
        if (i >= 0) {
          timers.splice(i, 1);
          this.changes++;
        }
      },
    };
    // Sorted by time, then by when set: equal times fire in the order they were set.
    let lo = 0;
    let hi = timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (timers[mid]!.at <= timer.at) lo = mid + 1;
      else hi = mid;
    }
    timers.splice(lo, 0, timer);
    this.changes++;
    this.watch();
    return timer;
  }

  /** Set the time to `at` and fire the timers due by then, earliest first. */
  private fireUntil(at: number): void {
    this.time = Math.max(this.time, at);
    for (;;) {
      const next = this.timers[0];
      if (next === undefined || next.at > this.time) return;
      this.timers.shift();
      this.changes++;
      next.fire();
    }
  }

  *advance(ms: number): Generator<any, void, unknown> {
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0)
      throw new VirtualClockError("advance(ms)", ms);
    const target = this.time + ms;
    this.advancing = true;
    try {
      for (;;) {
        yield* waitAllTasksBlocked();
        const next = this.timers[0];
        if (next === undefined || next.at > target) break;
        this.fireUntil(next.at);
      }
      this.time = target;
    } finally {
      this.advancing = false;
      this.watch();
    }
  }

  /** Arm the autojump watcher when it has something to do. */
  private watch(): void {
    if (this.watcher !== undefined || this.stopped || !this.jumping || this.advancing) return;
    if (this.timers.length === 0) return;
    this.idleTurns = 0;
    this.watcher = setImmediate(this.check);
  }

  private check = (): void => {
    this.watcher = undefined;
    if (this.stopped || !this.jumping || this.advancing || this.timers.length === 0) return;
    if (scheduler.busy || this.changes !== this.seenChanges) {
      this.seenChanges = this.changes;
      this.idleTurns = 0;
      this.watcher = setImmediate(this.check);
      return;
    }
    if (++this.idleTurns === 1) this.idleSince = performance.now();
    if (this.idleTurns < 2) {
      this.watcher = setImmediate(this.check);
      return;
    }
    const waited = performance.now() - this.idleSince;
    if (waited < this.thresholdMs) {
      this.watcher = setTimeout(this.check, this.thresholdMs - waited);
      return;
    }
    this.fireUntil(this.timers[0]!.at);
    this.watch();
  };

  /** Stop jumping and drop the timers; called when the clock's scope ends. */
  stop(): void {
    this.stopped = true;
    if (this.watcher !== undefined) {
      clearImmediate(this.watcher as ReturnType<typeof setImmediate>);
      clearTimeout(this.watcher as ReturnType<typeof setTimeout>);
      this.watcher = undefined;
    }
    this.timers.length = 0;
  }
}

/**
 * Run the rest of the current scope on a virtual clock, like Trio's `MockClock`: every timed
 * primitive of Skein below this scope (`sleep`, `timeout`, `deadline`, `moveOnAfter`,
 * `useDeadline`, `interval`, `retry` and `supervise` backoff and windows, rate limiters) reads
 * the time from it and sets its timers on it. Time moves with `clock.advance(ms)`, or, with
 * `autojump`, jumps to the next timer whenever every task is blocked, so an hour-long retry
 * schedule runs in milliseconds and always the same way.
 *
 * Real I/O keeps real time: a socket, a worker or a promise from outside Skein answers when it
 * answers. With autojump and a threshold of 0, time jumps as soon as nothing is runnable, which
 * includes waiting on I/O, so a virtual `timeout()` around a real request can fire before the
 * request is answered; give `autojumpThresholdMs` (real milliseconds the process must look idle
 * before a jump), or drive time by hand with `advance()`. The loop monitor measures real stalls
 * and keeps real time.
 *
 * @example
 * ```ts
 * import { retry, run, sleep, timeout } from "@skein/core";
 * import { useVirtualClock } from "@skein/core/test";
 *
 * await run(function* () {
 *   const clock = yield* useVirtualClock({ autojump: true });
 *   const start = clock.now();
 *   yield* sleep(60 * 60_000); // an hour, at once
 *   try {
 *     yield* timeout(30_000, sleep(60_000));
 *   } catch {
 *     console.log(clock.now() - start); // 3_630_000
 *   }
 * });
 * ```
 *
 * @param options - the start time and autojump
 * @returns an operation yielding the clock, which stops when the current scope ends
 */
export function useVirtualClock(options: VirtualClockOptions = {}): Operation<VirtualClock> {
  const { start, autojump = false, autojumpThresholdMs = 0 } = options;
  if (start !== undefined && (typeof start !== "number" || !(start >= 0) || start === Infinity)) {
    throw new VirtualClockError("useVirtualClock(): start", start);
  }
  if (
    typeof autojumpThresholdMs !== "number" ||
    !(autojumpThresholdMs >= 0) ||
    autojumpThresholdMs === Infinity
  ) {
    throw new VirtualClockError("useVirtualClock(): autojumpThresholdMs", autojumpThresholdMs);
  }
  return {
    *[Symbol.iterator]() {
      const clock = yield* resource<Clockwork>(
        function* (provide) {
          yield* label("virtual clock");
          const clockwork = new Clockwork(start ?? Date.now(), autojump, autojumpThresholdMs);
          try {
            yield* provide(clockwork);
          } finally {
            clockwork.stop();
          }
        },
        { name: "virtual clock" },
      );
      yield* TimekeeperContext.set(clock);
      return clock;
    },
  };
}
