import type { TaskImpl } from "./task.js";

/** How long synchronous work may run before the engine lets timers and I/O in. */
const SLICE_MS = 10;

/** Node's `setImmediate`; browsers and workers have none, and a zero timeout does the same there. */
const afterEventLoopTurn: (fn: () => void) => unknown =
  typeof globalThis.setImmediate === "function"
    ? globalThis.setImmediate
    : (fn) => setTimeout(fn, 0);

/**
 * Internal. The run queue: tasks that are ready to take a step, in tiers by priority (scope
 * depth, so parents before children, as in effection) and first-in first-out within a tier.
 * There is one per process, like the event loop it feeds.
 */
export class Scheduler {
  private tiers: (TaskImpl | undefined)[][] = [];
  private heads: number[] = [];
  private min = 0;
  private max = -1;
  private size = 0;
  private draining = false;
  private paused = false;
  /** Steps taken in the current slice; tasks check the clock every 1024. */
  steps = 0;
  private sliceStart = 0;
  /** Whole milliseconds since the time origin, read at most once per slice for new tasks. */
  private tick = 0;
  private tickStale = true;

  /** Scopes whose destruction goes on once the one running returns (see continueDestruction). */
  private destroying: { haltNextChild(): void }[] | undefined = undefined;

  /**
   * Go on destroying `scope`'s children. Called while another scope is being destroyed, it
   * queues instead: a child's end finishing its parent's destruction, and so on up a deep tree,
   * would otherwise take one stack frame set per level.
   */
  continueDestruction(scope: { haltNextChild(): void }): void {
    if (this.destroying !== undefined) {
      this.destroying.push(scope);
      return;
    }
    const queue = [scope];
    this.destroying = queue;
    try {
      for (let i = 0; i < queue.length; i++) queue[i]!.haltNextChild();
    } finally {
      this.destroying = undefined;
    }
  }

  /** Run `task` at once when nothing else is queued (a resumption from a promise or timer). */
  resume(task: TaskImpl): void {
    if (this.draining || this.paused || this.size > 0) {
      this.schedule(task);
      return;
    }
    this.draining = true;
    this.steps = 0;
    this.sliceStart = 0;
    this.tickStale = true;
    try {
      if (this.watchers === 0) task.step();
      else this.timedStep(task);
      // Most resumptions start nothing else: the queue is still empty.
      if (this.size === 0) return;
      for (let next = this.paused ? undefined : this.pop(); next !== undefined; ) {
        if (this.watchers === 0) next.step();
        else this.timedStep(next);
        next = this.paused ? undefined : this.pop();
      }
    } finally {
      this.draining = false;
    }
  }

  schedule(task: TaskImpl): void {
    const p = task.priority;
    let tier = this.tiers[p];
    if (tier === undefined) {
      for (let i = this.tiers.length; i <= p; i++) {
        this.tiers.push([]);
        this.heads.push(0);
      }
      tier = this.tiers[p]!;
    }
    tier.push(task);
    this.size++;
    if (p < this.min) this.min = p;
    if (p > this.max) this.max = p;
    if (!this.draining && !this.paused) this.drain();
  }

  private pop(): TaskImpl | undefined {
    for (let p = this.min; p <= this.max; p++) {
      const tier = this.tiers[p]!;
      const head = this.heads[p]!;
      if (head < tier.length) {
        const task = tier[head];
        tier[head] = undefined;
        this.size--;
        if (head + 1 === tier.length) {
          tier.length = 0;
          this.heads[p] = 0;
          this.min = p + 1;
        } else {
          this.heads[p] = head + 1;
          this.min = p;
        }
        return task;
      }
    }
    this.min = 0;
    this.max = -1;
    return undefined;
  }

  private drain(): void {
    this.draining = true;
    this.steps = 0;
    this.sliceStart = 0;
    this.tickStale = true;
    try {
      for (let task = this.pop(); task !== undefined; task = this.paused ? undefined : this.pop()) {
        if (this.watchers === 0) task.step();
        else this.timedStep(task);
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * Internal. A coarse clock for stamping new tasks: the time at which the current slice
   * first asked, so a slice that starts thousands of tasks reads the time once.
   */
  clock(): number {
    if (this.tickStale || !this.draining) {
      this.tick = Math.floor(performance.now());
      this.tickStale = !this.draining;
    }
    return this.tick;
  }

  /** Internal. A `clock()` reading as epoch milliseconds. */
  epochMs(tick: number): number {
    return performance.timeOrigin + tick;
  }

  /**
   * Called by a task every 1024 steps: true when the slice is used up and it should yield. The
   * clock starts at the first call, so short drains never read it.
   */
  sliceExpired(): boolean {
    const now = performance.now();
    this.tickStale = true;
    if (this.sliceStart === 0) {
      this.sliceStart = now;
      return false;
    }
    return now - this.sliceStart > SLICE_MS;
  }

  /** Loop monitors running: while there is one, each step is timed to name a stall's task. */
  private watchers = 0;
  private longest: TaskImpl | undefined = undefined;
  private longestMs = 0;

  private timedStep(task: TaskImpl): void {
    const start = performance.now();
    task.step();
    const ms = performance.now() - start;
    if (ms > this.longestMs) {
      this.longestMs = ms;
      this.longest = task;
    }
  }

  /** Internal. A loop monitor starts (`true`) or stops (`false`) timing steps. */
  watchSteps(on: boolean): void {
    this.watchers += on ? 1 : -1;
    if (this.watchers === 0) this.longest = undefined;
  }

  /** Internal. The longest step since the last call, and forget it. */
  takeLongestStep(): { task: TaskImpl; ms: number } | undefined {
    const task = this.longest;
    const ms = this.longestMs;
    this.longest = undefined;
    this.longestMs = 0;
    return task === undefined ? undefined : { task, ms };
  }

  /** Internal. Whether tasks are queued or stepping now; a test's virtual clock waits while so. */
  get busy(): boolean {
    return this.size > 0 || this.draining || this.paused;
  }

  /** Stop draining until the event loop has had a turn. */
  yieldToEventLoop(): void {
    if (this.paused) return;
    this.paused = true;
    afterEventLoopTurn(() => {
      this.paused = false;
      this.drain();
    });
  }
}

/**
 * Internal. The process's run queue: the engine's one piece of module-level mutable state.
 * Everything else the engine keeps hangs off tasks and scopes, which hang off the global scope
 * (scope.ts, the root of the task tree, whose children this queue runs). The other module-level
 * objects never change once made: the dormant task, promise wait and `until()` (they only keep
 * hidden classes alive, see `TaskImpl.dormant`), `WHOLE_TASK`, and the generator prototype's
 * methods read once (frames.ts, native-generator.ts).
 */
export const scheduler = new Scheduler();
