/**
 * What a worker reports about an error thrown there: enough to rebuild it in the caller.
 *
 * @example
 * ```ts
 * import type { RemoteError } from "@skein/core/node";
 *
 * const remote: RemoteError = { name: "RangeError", message: "too big", stack: undefined };
 * ```
 */
export interface RemoteError {
  name: string;
  message: string;
  stack: string | undefined;
  /** The original error's `code`, when it had a string or number one. */
  code?: string | number;
}

/**
 * An error thrown by a function running in a worker thread, rebuilt in the caller. `name`,
 * `message` and `stack` are the worker's (the stack points into the worker module); the original
 * `code`, if any, is `remoteCode`.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { toThread, WorkerError } from "@skein/core/node";
 *
 * await run(function* () {
 *   try {
 *     yield* toThread(() => { throw new RangeError("too big"); });
 *   } catch (error) {
 *     if (error instanceof WorkerError) console.log(error.name, error.message); // RangeError too big
 *   }
 * });
 * ```
 */
export class WorkerError extends Error {
  readonly code = "worker-error";
  readonly remoteCode: string | number | undefined;
  /** @param remote - the error as the worker described it */
  constructor(remote: RemoteError) {
    super(remote.message);
    this.name = remote.name;
    this.remoteCode = remote.code;
    if (remote.stack !== undefined) this.stack = remote.stack;
  }
}

/**
 * The worker running a job died (it called `process.exit()`, or an error escaped the function,
 * for example from a timer). Only that job fails; the pool starts a new worker for the next one.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { toThread, WorkerCrashedError } from "@skein/core/node";
 *
 * await run(function* () {
 *   try {
 *     yield* toThread(() => process.exit(3));
 *   } catch (error) {
 *     if (error instanceof WorkerCrashedError) console.log(error.exitCode); // 3
 *   }
 * });
 * ```
 */
export class WorkerCrashedError extends Error {
  readonly code = "worker-crashed";
  override name = "WorkerCrashedError";
  /**
   * @param exitCode - the worker thread's exit code
   * @param cause - the uncaught error that ended it, if there was one
   */
  constructor(
    readonly exitCode: number,
    cause?: unknown,
  ) {
    super(
      cause instanceof Error
        ? `worker crashed: ${cause.message}`
        : `worker exited with code ${exitCode} while running a job`,
      { cause },
    );
  }
}

/**
 * `pool.run()` was called while `maxQueue` jobs were already waiting for a worker.
 *
 * @example
 * ```ts
 * import { PoolQueueFullError } from "@skein/core/node";
 *
 * const error = new PoolQueueFullError(100);
 * console.log(error.code, error.maxQueue); // pool-queue-full 100
 * ```
 */
export class PoolQueueFullError extends Error {
  readonly code = "pool-queue-full";
  override name = "PoolQueueFullError";
  /** @param maxQueue - the pool's queue limit */
  constructor(readonly maxQueue: number) {
    super(`the worker pool queue is full (maxQueue: ${maxQueue})`);
  }
}

/**
 * `pool.run()` was called after the pool's scope ended, or the job was still waiting then.
 *
 * @example
 * ```ts
 * import { PoolClosedError } from "@skein/core/node";
 *
 * console.log(new PoolClosedError().code); // pool-closed
 * ```
 */
export class PoolClosedError extends Error {
  readonly code = "pool-closed";
  override name = "PoolClosedError";
  constructor() {
    super("the worker pool has been closed");
  }
}
