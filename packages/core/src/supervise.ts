import { assertPositive } from "./assert-number.js";
import { type BackoffOptions, createBackoff } from "./backoff.js";
import type { Clock } from "./clock.js";
import { halting } from "./engine/halting.js";
import { scoped } from "./scoped.js";
import { sleep as realSleep } from "./sleep.js";
import { useTimekeeper } from "./timekeeper.js";
import type { Operation } from "./types.js";

/**
 * Thrown by {@link supervise} when the operation ended more than `maxRestarts` times within
 * `within` milliseconds. `failures` holds the errors of the runs in that window, oldest first;
 * `cause` is the last one. Its `code` is `"restarts-exhausted"`.
 *
 * @example
 * ```ts
 * import { run, SupervisorError, supervise } from "@skein/core";
 *
 * try {
 *   await run(() => supervise(function* () { throw new Error("crash"); }, { maxRestarts: 1, backoff: { initial: 1 } }));
 * } catch (error) {
 *   if (error instanceof SupervisorError) console.log(error.code, error.failures.length); // "restarts-exhausted" 2
 * }
 * ```
 */
export class SupervisorError extends Error {
  readonly code = "restarts-exhausted";
  override name = "SupervisorError";

  /**
   * @param failures - errors of the runs within the window, oldest first
   * @param maxRestarts - the limit that was exceeded
   * @param within - the window, in milliseconds
   */
  constructor(
    readonly failures: unknown[],
    readonly maxRestarts: number,
    readonly within: number,
  ) {
    const last = failures.at(-1);
    super(
      `gave up: more than ${maxRestarts} restart(s) within ${within}ms` +
        (last instanceof Error ? `; last error: ${last.message}` : ""),
      { cause: last },
    );
  }
}

/**
 * What {@link SuperviseOptions.onRestart} is told before each wait and restart.
 *
 * @example
 * ```ts
 * import type { RestartInfo } from "@skein/core";
 *
 * const log = (info: RestartInfo) => console.warn(`restart ${info.restart} in ${info.delayMs}ms`, info.error);
 * ```
 */
export interface RestartInfo {
  /** What the run threw, or `undefined` when it returned (with `restart: "always"`). */
  error: unknown;
  /** Restarts within the current window, this one included. */
  restart: number;
  /** How long the supervisor waits before restarting. */
  delayMs: number;
}

/**
 * Options of {@link supervise}.
 *
 * @example
 * ```ts
 * import type { SuperviseOptions } from "@skein/core";
 *
 * const options: SuperviseOptions = { restart: "always", maxRestarts: 5, within: 60_000 };
 * ```
 */
export interface SuperviseOptions {
  /** `"on-failure"`: restart when the operation throws, return its value otherwise; `"always"`: restart either way. Default `"on-failure"`. */
  restart?: "on-failure" | "always";
  /** How many restarts are allowed within `within`; a non-negative integer. Default 3. */
  maxRestarts?: number;
  /** The window restarts are counted in, in milliseconds; positive. Default 60 000. */
  within?: number;
  /** The wait before a restart, growing with the restarts in the window. Default as {@link retry}. */
  backoff?: BackoffOptions;
  /** Called before each wait. */
  onRestart?: (info: RestartInfo) => void;
  /** Where time comes from, for the window. Default: the scope's timekeeper (real time unless a test installed a virtual clock). */
  clock?: Clock;
  /** How to wait. Default {@link sleep}. */
  sleep?: (ms: number) => Operation<void>;
}

/**
 * Keep a long-running operation going: run it, and when it fails (or, with `restart: "always"`,
 * also when it returns) wait per `backoff` and run it again. Each run has a scope of its own, so
 * what it started ends before the next run. When more than `maxRestarts` restarts would happen
 * within `within` milliseconds, give up with a {@link SupervisorError}. Halting the supervisor
 * halts the current run or the wait.
 *
 * @example
 * ```ts
 * import { main, supervise, suspend } from "@skein/core";
 *
 * await main(function* () {
 *   yield* supervise(function* consumer() {
 *     // connect, then consume until the connection drops (throws)
 *     yield* suspend();
 *   }, { maxRestarts: 5, within: 60_000 });
 * });
 * ```
 *
 * @param operation - starts a fresh run each time it is called
 * @param options - restart policy, limits, backoff, and an optional clock and sleeper
 * @returns the value of a run that returns (with `restart: "on-failure"`)
 */
export function supervise<T>(
  operation: () => Operation<T>,
  options: SuperviseOptions = {},
): Operation<T> {
  const {
    restart = "on-failure",
    maxRestarts = 3,
    within = 60_000,
    onRestart,
    sleep = realSleep,
  } = options;
  if (restart !== "on-failure" && restart !== "always") {
    throw new TypeError(`restart must be "on-failure" or "always", got ${String(restart)}`);
  }
  if (!Number.isInteger(maxRestarts) || maxRestarts < 0) {
    throw new TypeError(`maxRestarts must be a non-negative integer, got ${String(maxRestarts)}`);
  }
  assertPositive("within", within);
  const delay = createBackoff(options.backoff);
  return {
    *[Symbol.iterator]() {
      const clock = options.clock ?? (yield* useTimekeeper());
      const recent: { at: number; failed: boolean; error: unknown }[] = [];
      for (;;) {
        let exit: { failed: boolean; error: unknown };
        try {
          const value = yield* scoped(operation);
          if (restart === "on-failure") return value;
          exit = { failed: false, error: undefined };
        } catch (error) {
          // Cleanup failing during a halt ends the supervision; it is not a crash to restart.
          if (yield* halting()) throw error;
          exit = { failed: true, error };
        }
        const now = clock.now();
        while (recent.length > 0 && now - recent[0]!.at >= within) recent.shift();
        recent.push({ at: now, ...exit });
        if (recent.length > maxRestarts) {
          const failures = recent.filter((r) => r.failed).map((r) => r.error);
          throw new SupervisorError(failures, maxRestarts, within);
        }
        const delayMs = delay(recent.length);
        onRestart?.({ error: exit.error, restart: recent.length, delayMs });
        yield* sleep(delayMs);
      }
    },
  };
}
