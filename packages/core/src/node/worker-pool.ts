import { availableParallelism } from "node:os";
import type { TransferListItem } from "node:worker_threads";
import { action } from "../action.js";
import { label } from "../label.js";
import { resource } from "../resource.js";
import type { Operation } from "../types.js";
import { waitingFor } from "../waiting-for.js";
import { type Transfer, unwrapTransfer } from "./transfer.js";
import { PoolClosedError, PoolQueueFullError, WorkerCrashedError } from "./worker-errors.js";
import { moduleUrl, type Reply, replyValue, WorkerThread } from "./worker-thread.js";

/**
 * Options for {@link useWorkerPool}.
 *
 * @example
 * ```ts
 * import type { WorkerPoolOptions } from "@skein/core/node";
 *
 * const options: WorkerPoolOptions = {
 *   module: new URL("./work.mjs", import.meta.url),
 *   size: 2,
 *   maxQueue: 100,
 *   idleTimeout: 5_000,
 * };
 * ```
 */
export interface WorkerPoolOptions {
  /**
   * The ES module whose exported functions the workers run: a path or a URL. Node must be able to
   * load it in a worker thread on its own: JavaScript, or TypeScript when `imports` registers a
   * loader (tsx's `--import tsx` does not reach worker threads).
   */
  module: string | URL;
  /** Modules each worker imports first, e.g. one calling `register()` from `tsx/esm/api`. Default: none. */
  imports?: readonly (string | URL)[];
  /** The most workers running at once; they start on demand. Default: available CPUs minus one, at least 1. */
  size?: number;
  /** The most jobs waiting for a worker; past it `run()` throws `PoolQueueFullError`. Default: unlimited. */
  maxQueue?: number;
  /** Milliseconds an idle worker lives before it is stopped. Default: 30000; `Infinity` keeps it. */
  idleTimeout?: number;
}

type WorkerFunction = (...args: any[]) => any;

/** The arguments of a worker function, each of which may be wrapped in `transfer()`. */
type JobArgs<F> = F extends (...args: infer A) => unknown
  ? { [I in keyof A]: A[I] | Transfer<A[I]> }
  : never;

/** What a job yields: the worker function's awaited result, unwrapped from `transfer()`. */
type JobResult<F> = F extends (...args: any[]) => infer R
  ? Awaited<R> extends Transfer<infer V>
    ? V
    : Awaited<R>
  : never;

/**
 * A pool of worker threads running the exported functions of one module, from
 * {@link useWorkerPool}. Give it the module's type for typed jobs:
 * `useWorkerPool<typeof import("./work.ts")>(...)`.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { useWorkerPool, type WorkerPool } from "@skein/core/node";
 *
 * await run(function* () {
 *   const pool: WorkerPool = yield* useWorkerPool({ module: "./work.mjs" });
 *   console.log(yield* pool.run("fib", 30));
 * });
 * ```
 */
export interface WorkerPool<M = Record<string, WorkerFunction>> {
  /**
   * Run the exported function `name` in a worker with `args` (structured clones; wrap one in
   * `transfer()` to move it). Halting the job drops it if it is still queued, and otherwise
   * terminates its worker, also mid-loop; the pool starts another for the next job.
   */
  run<K extends keyof M & string>(name: K, ...args: JobArgs<M[K]>): Operation<JobResult<M[K]>>;
}

interface Job {
  readonly id: number;
  readonly message: { id: number; name: string; args: unknown[] };
  readonly transferList: TransferListItem[];
  resolve(value: unknown): void;
  reject(error: Error): void;
  thread: WorkerThread | undefined;
  queued: boolean;
  done: boolean;
}

interface Slot {
  job: Job | undefined;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
}

function positive(value: unknown, name: string, integer: boolean): number {
  if (
    typeof value !== "number" ||
    !(value > 0) ||
    (integer ? !Number.isInteger(value) && value !== Infinity : Number.isNaN(value))
  ) {
    throw new TypeError(
      `useWorkerPool(): ${name} must be a positive ${integer ? "integer" : "number"}, got ${String(value)}`,
    );
  }
  return value;
}

/** Internal. The pool's state machine; every method is synchronous. */
class Pool {
  private readonly slots = new Map<WorkerThread, Slot>();
  private readonly idle: WorkerThread[] = [];
  /** Every thread not yet exited, including ones being stopped. */
  private readonly living = new Set<WorkerThread>();
  private queue: Job[] = [];
  private head = 0;
  private queued = 0;
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly module: string,
    private readonly imports: readonly string[],
    private readonly size: number,
    private readonly maxQueue: number,
    private readonly idleTimeout: number,
  ) {}

  private readonly events = {
    reply: (thread: WorkerThread, reply: Reply) => {
      const slot = this.slots.get(thread);
      const job = slot?.job;
      if (slot === undefined || job === undefined || job.id !== reply.id) return;
      slot.job = undefined;
      job.done = true;
      job.thread = undefined;
      try {
        job.resolve(replyValue(reply));
      } catch (error) {
        job.reject(error as Error);
      }
      // Settling the job may end the pool's scope at once; a closed pool's thread is terminating,
      // and unref'ing it would let the process exit before its cleanup finishes.
      if (this.slots.get(thread) === slot) this.release(thread, slot);
    },
    exit: (thread: WorkerThread, exitCode: number, crash: unknown) => {
      this.living.delete(thread);
      const slot = this.slots.get(thread);
      if (slot === undefined) return;
      this.forget(thread, slot);
      const job = slot.job;
      if (job !== undefined) {
        job.done = true;
        job.reject(new WorkerCrashedError(exitCode, crash));
      }
      this.pump();
    },
  };

  submit(name: string, args: unknown[], job: Pick<Job, "resolve" | "reject">): Job {
    if (this.closed) throw new PoolClosedError();
    const transferList: TransferListItem[] = [];
    const plain = args.map((arg) => unwrapTransfer(arg, transferList));
    const id = this.nextId++;
    const full: Job = {
      id,
      message: { id, name, args: plain },
      transferList,
      resolve: job.resolve,
      reject: job.reject,
      thread: undefined,
      queued: false,
      done: false,
    };
    const thread = this.takeThread();
    if (thread !== undefined) this.start(thread, full);
    else if (this.queued >= this.maxQueue) throw new PoolQueueFullError(this.maxQueue);
    else {
      full.queued = true;
      this.queue.push(full);
      this.queued++;
    }
    return full;
  }

  /** Take a job back: drop it from the queue, or stop its worker and return that thread. */
  cancel(job: Job): WorkerThread | undefined {
    job.done = true;
    if (job.queued) {
      job.queued = false;
      this.queued--;
      return undefined;
    }
    const thread = job.thread;
    if (thread === undefined) return undefined;
    const slot = this.slots.get(thread);
    if (slot !== undefined) this.forget(thread, slot);
    thread.terminate();
    this.pump();
    return thread;
  }

  /** Stop taking jobs, fail the waiting ones, and stop every worker. */
  close(): WorkerThread[] {
    this.closed = true;
    for (const job of this.queue.slice(this.head)) {
      if (!job.queued) continue;
      job.queued = false;
      job.done = true;
      job.reject(new PoolClosedError());
    }
    this.queue = [];
    this.head = this.queued = 0;
    for (const [thread, slot] of this.slots) {
      this.forget(thread, slot);
      if (slot.job !== undefined && !slot.job.done) {
        slot.job.done = true;
        slot.job.reject(new PoolClosedError());
      }
    }
    for (const thread of this.living) thread.terminate();
    return [...this.living];
  }

  private takeThread(): WorkerThread | undefined {
    const idle = this.idle.pop();
    if (idle !== undefined) {
      const slot = this.slots.get(idle)!;
      clearTimeout(slot.idleTimer);
      slot.idleTimer = undefined;
      return idle;
    }
    if (this.slots.size >= this.size) return undefined;
    const thread = new WorkerThread(this.module, this.imports, this.events);
    this.slots.set(thread, { job: undefined, idleTimer: undefined });
    this.living.add(thread);
    return thread;
  }

  private start(thread: WorkerThread, job: Job): void {
    const slot = this.slots.get(thread)!;
    try {
      thread.post(job.message, job.transferList);
    } catch (error) {
      this.release(thread, slot);
      throw error;
    }
    slot.job = job;
    job.thread = thread;
    thread.worker.ref();
  }

  private nextQueued(): Job | undefined {
    while (this.head < this.queue.length) {
      const job = this.queue[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      if (job.queued) {
        job.queued = false;
        this.queued--;
        return job;
      }
    }
    return undefined;
  }

  /** A thread finished a job: give it the next one, or let it idle. */
  private release(thread: WorkerThread, slot: Slot): void {
    for (let job = this.nextQueued(); job !== undefined; job = this.nextQueued()) {
      try {
        this.start(thread, job);
        return;
      } catch (error) {
        job.done = true;
        job.reject(error as Error);
      }
    }
    thread.worker.unref();
    this.idle.push(thread);
    if (this.idleTimeout !== Infinity) {
      slot.idleTimer = setTimeout(() => this.retire(thread), this.idleTimeout);
      slot.idleTimer.unref();
    }
  }

  private retire(thread: WorkerThread): void {
    const slot = this.slots.get(thread);
    if (slot === undefined || slot.job !== undefined) return;
    this.forget(thread, slot);
    thread.terminate();
  }

  /** Take a thread out of service; it may still be running until its exit event. */
  private forget(thread: WorkerThread, slot: Slot): void {
    this.slots.delete(thread);
    clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
    const i = this.idle.indexOf(thread);
    if (i >= 0) this.idle.splice(i, 1);
  }

  /** Start queued jobs on new threads while there is room (after a thread was lost). */
  private pump(): void {
    while (this.queued > 0 && !this.closed) {
      const thread = this.takeThread();
      if (thread === undefined) return;
      this.release(thread, this.slots.get(thread)!);
    }
  }
}

/**
 * Start a pool of worker threads for CPU-bound work, bound to the current scope. Workers start
 * when jobs need them, up to `size`, and stop after `idleTimeout`; idle workers do not keep the
 * process alive. When the scope ends, waiting jobs fail with `PoolClosedError` and every worker
 * is terminated before the scope's cleanup completes.
 *
 * Errors thrown by a worker function reach the caller as a {@link WorkerError} with the original
 * name, message and stack; a worker that dies fails only its own job, with a
 * {@link WorkerCrashedError}.
 *
 * @example
 * ```ts
 * // work.mjs: export function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
 * import { all, main } from "@skein/core";
 * import { useWorkerPool } from "@skein/core/node";
 *
 * await main(function* () {
 *   const pool = yield* useWorkerPool({ module: new URL("./work.mjs", import.meta.url), size: 4 });
 *   const results = yield* all([30, 31, 32].map((n) => pool.run("fib", n)));
 *   console.log(results);
 * });
 * ```
 *
 * @param options - the module, `size`, `maxQueue`, `idleTimeout` and `imports`
 * @returns an operation yielding the {@link WorkerPool}
 */
export function useWorkerPool<M = Record<string, WorkerFunction>>(
  options: WorkerPoolOptions,
): Operation<WorkerPool<M>> {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`useWorkerPool(): options must be an object, got ${String(options)}`);
  }
  const module = moduleUrl(options.module, "useWorkerPool()");
  const imports = (options.imports ?? []).map((m) => moduleUrl(m, "useWorkerPool() imports"));
  const size = positive(options.size ?? Math.max(1, availableParallelism() - 1), "size", true);
  const maxQueue =
    options.maxQueue === 0 ? 0 : positive(options.maxQueue ?? Infinity, "maxQueue", true);
  const idleTimeout = positive(options.idleTimeout ?? 30_000, "idleTimeout", false);
  if (size === Infinity) {
    throw new TypeError(`useWorkerPool(): size must be a positive integer, got ${size}`);
  }

  return resource<WorkerPool<M>>(function* (provide) {
    const pool = new Pool(module, imports, size, maxQueue, idleTimeout);
    function* runJob(name: string, args: unknown[]): Operation<any> {
      let job: Job | undefined;
      const describe = () =>
        `worker job ${name} (${job === undefined || job.queued ? "queued" : "running"})`;
      try {
        return yield* waitingFor(
          describe,
          action<unknown>((resolve, reject) => {
            job = pool.submit(name, args, { resolve, reject });
            return () => {};
          }),
        );
      } finally {
        if (job !== undefined && !job.done) {
          const stopping = pool.cancel(job);
          if (stopping !== undefined) yield* stopping.exited;
        }
      }
    }
    try {
      yield* label("worker pool");
      yield* provide({
        run: (name, ...args) => runJob(name, args),
      });
    } finally {
      for (const thread of pool.close()) yield* thread.exited;
    }
  });
}
