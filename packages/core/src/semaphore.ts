import { type Instruction, InstructionOperation, NEXT } from "./engine/instruction.js";
import { Lazy } from "./engine/lazy.js";
import type { ScopeNode } from "./engine/scope-node.js";
import { TaskImpl } from "./engine/task.js";
import { assertPositiveInteger } from "./positive-integer.js";
import { resource } from "./resource.js";
import type { Operation } from "./types.js";
import { type WaitLink, WaitList } from "./wait-list.js";

/**
 * A counter of permits that limits how many operations run at once. Waiters are served first
 * in, first out.
 *
 * @example
 * ```ts
 * import { createSemaphore, type Semaphore } from "@skein/core";
 *
 * const connections: Semaphore = createSemaphore(4);
 * ```
 */
export interface Semaphore {
  /** Permits free right now. */
  readonly available: number;
  /** Take a permit (waiting for one if none is free) and hold it until the current scope ends. */
  acquire(): Operation<void>;
  /** Run `operation` holding a permit; the permit is returned when it ends in any way. */
  withPermit<T>(operation: () => Operation<T>): Operation<T>;
  /** Permits in all, as created or last resized. */
  readonly permits: number;
  /**
   * Change how many permits there are in all. Growing hands the new permits to waiters at once;
   * shrinking below what is held takes effect as holders give theirs back.
   */
  resize(permits: number): void;
  /** Counts for monitoring: permits in all, free, held, and tasks waiting. */
  statistics(): SemaphoreStatistics;
}

/**
 * What {@link Semaphore.statistics} reports.
 *
 * @example
 * ```ts
 * import { createSemaphore, type SemaphoreStatistics } from "@skein/core";
 *
 * const stats: SemaphoreStatistics = createSemaphore(2).statistics();
 * console.log(stats); // { permits: 2, available: 2, held: 0, waiting: 0 }
 * ```
 */
export interface SemaphoreStatistics {
  readonly permits: number;
  readonly available: number;
  readonly held: number;
  readonly waiting: number;
}

/** Internal. The permits and the queue of tasks waiting for one. */
class Permits {
  readonly waiters = new WaitList<PermitWait>();
  /** What to call it in a wait description. */
  kind = "semaphore";
  /** For a lock: whether the holder is kept, and the task that holds it. */
  tracksHolder = false;
  holder: TaskImpl | undefined = undefined;
  /** Free permits; negative after shrinking below what is held. */
  available: number;
  constructor(public total: number) {
    this.available = total;
  }

  resize(total: number): void {
    this.available += total - this.total;
    this.total = total;
    while (this.available > 0 && this.waiters.size > 0) {
      this.available--;
      this.waiters.shift()!.grant();
    }
  }

  /** Hand the permit to the longest waiter, or put it back. */
  release(): void {
    if (this.available < 0) {
      this.available++;
      return;
    }
    const next = this.waiters.shift();
    if (next === undefined) this.available++;
    else next.grant();
  }
}

/** Internal. One task waiting for a permit. */
class PermitWait extends InstructionOperation<void> implements WaitLink<PermitWait> {
  prevWait: PermitWait | undefined = undefined;
  nextWait: PermitWait | undefined = undefined;
  waiting = false;
  /** Set as soon as the permit is handed over, even if the task is halted before it runs. */
  granted = false;
  private task: TaskImpl | undefined = undefined;
  private epoch = 0;

  constructor(private permits: Permits) {
    super();
  }

  enter(task: TaskImpl): void {
    this.task = task;
    this.permits.waiters.push(this);
    this.epoch = task.suspend(this);
  }

  grant(): void {
    this.granted = true;
    if (this.permits.tracksHolder) this.permits.holder = this.task;
    this.task!.resumeAt(this.epoch, NEXT, undefined);
  }

  cancel(): void {
    this.permits.waiters.remove(this);
  }

  describeWait(): string {
    const { permits } = this;
    if (permits.tracksHolder && permits.holder !== undefined) {
      return `${permits.kind} (held by ${nameOf(permits.holder)}, ${permits.waiters.size} waiting)`;
    }
    const held = permits.total - permits.available;
    return `${permits.kind} (${held} of ${permits.total} held, ${permits.waiters.size} waiting)`;
  }
}

/** Internal. Notes the current task as the holder of a lock taken without waiting. */
class NoteHolder extends InstructionOperation<void> {
  constructor(private permits: Permits) {
    super();
  }
  enter(task: TaskImpl): void {
    this.permits.holder = task;
    task.resume(NEXT, undefined);
  }
}

/**
 * Who holds a lock, for a wait description: the task that took it (for `acquire()`, the task
 * that called it rather than the resource holding the permit), by its name or else by that of
 * its nearest named ancestor.
 */
function nameOf(holder: TaskImpl): string {
  let task: TaskImpl | undefined;
  let scope: ScopeNode | undefined = holder;
  for (; scope !== undefined; scope = scope.parent) {
    if (!(scope instanceof TaskImpl)) continue;
    if (task === undefined && scope.priority === scope.depth) {
      task = scope;
      if (task.name !== undefined) return task.name;
    } else if (task !== undefined && scope.name !== undefined) {
      return `a task of ${scope.name}`;
    }
  }
  return "an unnamed task";
}

function* holding<T>(
  permits: Permits,
  operation: () => Operation<T>,
): Generator<Instruction, T, unknown> {
  let wait: PermitWait | undefined;
  if (permits.available > 0) permits.available--;
  else wait = new PermitWait(permits);
  try {
    if (wait !== undefined) yield* wait;
    else if (permits.tracksHolder) yield* new NoteHolder(permits);
    return yield* operation();
  } finally {
    if (wait === undefined || wait.granted) {
      permits.holder = undefined;
      permits.release();
    }
  }
}

/**
 * Create a semaphore with `permits` permits. A task halted while it waits leaves the queue
 * without taking a permit; a permit handed to a task that is halted before it runs is given back.
 *
 * @example
 * ```ts
 * import { createSemaphore, run, sleep, spawn } from "@skein/core";
 *
 * await run(function* () {
 *   const semaphore = createSemaphore(2);
 *   for (let i = 0; i < 5; i++) {
 *     yield* spawn(() =>
 *       semaphore.withPermit(function* () {
 *         yield* sleep(10); // at most two of these run at a time
 *       }),
 *     );
 *   }
 * });
 * ```
 *
 * @param permits - how many holders at once, a positive integer
 * @returns the semaphore
 */
export function createSemaphore(permits: number): Semaphore {
  return semaphoreOf("semaphore", permits);
}

/** Internal. A semaphore that wait descriptions call `kind` (`"lock"` for a lock). */
export function semaphoreOf(kind: string, permits: number): Semaphore {
  const acquired = { name: kind === "lock" ? "lock held" : "semaphore permit" };
  assertPositiveInteger("createSemaphore()", "permits", permits);
  const state = new Permits(permits);
  state.kind = kind;
  state.tracksHolder = kind === "lock";
  const withPermit = <T>(operation: () => Operation<T>): Operation<T> =>
    new Lazy(holding<T>, state, operation, undefined);
  return {
    get available() {
      return Math.max(0, state.available);
    },
    get permits() {
      return state.total;
    },
    acquire: () => resource<void>((provide) => withPermit(() => provide()), acquired),
    withPermit,
    resize(permits: number): void {
      assertPositiveInteger("resize()", "permits", permits);
      state.resize(permits);
    },
    statistics(): SemaphoreStatistics {
      const available = Math.max(0, state.available);
      return {
        permits: state.total,
        available,
        held: state.total - state.available,
        waiting: state.waiters.size,
      };
    },
  };
}
