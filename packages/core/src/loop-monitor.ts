import { scheduler } from "./engine/scheduler.js";
import type { ScopeNode } from "./engine/scope-node.js";
import { TaskImpl } from "./engine/task.js";
import { label } from "./label.js";
import { resource } from "./resource.js";
import { createSignal } from "./signal.js";
import type { Operation, Stream } from "./types.js";

/**
 * A time the event loop could not run timers or I/O for longer than the threshold, from
 * {@link useLoopMonitor}.
 *
 * @example
 * ```ts
 * import type { LoopStall } from "@skein/core";
 *
 * const stall: LoopStall = { durationMs: 240, at: Date.now() - 240 };
 * ```
 */
export interface LoopStall {
  /** How long the loop was blocked, in milliseconds; short by up to a quarter of the threshold. */
  readonly durationMs: number;
  /** When the stall began (estimated), in epoch milliseconds. */
  readonly at: number;
  /**
   * The task that was running, when a single step of a Skein task took at least half the stall:
   * its path of names from the root (`"crawler > parse"`). Absent when the time went elsewhere
   * (a plain callback, a module load).
   */
  readonly task?: string;
}

/**
 * Options for {@link useLoopMonitor}.
 *
 * @example
 * ```ts
 * import type { LoopMonitorOptions } from "@skein/core";
 *
 * const options: LoopMonitorOptions = { thresholdMs: 50 };
 * ```
 */
export interface LoopMonitorOptions {
  /** Report blocks at least this long, in milliseconds. Default: 100. */
  thresholdMs?: number;
}

/**
 * Watch the event loop for synchronous work that blocks it, like asyncio's slow-callback
 * warnings in debug mode. Nothing is watched unless you use it. A timer fires every quarter of the
 * threshold (at most every 50 ms) and reports how late it ran; it does not keep the process alive
 * and stops when the scope ends. While a monitor runs, the engine times each step of a task,
 * so a stall caused by one task's synchronous work names that task (`stall.task`).
 *
 * @example
 * ```ts
 * import { each, main, spawn, useLoopMonitor } from "@skein/core";
 *
 * await main(function* () {
 *   const stalls = yield* useLoopMonitor({ thresholdMs: 100 });
 *   yield* spawn(function* () {
 *     for (const stall of yield* each(stalls)) {
 *       console.warn(`event loop blocked for ${Math.round(stall.durationMs)} ms`);
 *       yield* each.next();
 *     }
 *   });
 *   // ... the program
 * });
 * ```
 *
 * @param options - `thresholdMs`, the shortest stall reported
 * @returns an operation yielding a stream of {@link LoopStall}s, for subscribers present when they happen
 */
export function useLoopMonitor(
  options: LoopMonitorOptions = {},
): Operation<Stream<LoopStall, never>> {
  const thresholdMs = options.thresholdMs ?? 100;
  if (typeof thresholdMs !== "number" || !(thresholdMs > 0) || thresholdMs === Infinity) {
    throw new TypeError(
      `useLoopMonitor(): thresholdMs must be a positive number of milliseconds, got ${String(thresholdMs)}`,
    );
  }
  const period = Math.max(1, Math.min(thresholdMs / 4, 50));
  return resource<Stream<LoopStall, never>>(function* (provide) {
    yield* label("loop monitor");
    const stalls = createSignal<LoopStall, never>();
    let last = performance.now();
    scheduler.watchSteps(true);
    const timer = setInterval(() => {
      const now = performance.now();
      const late = now - last - period;
      last = now;
      const longest = scheduler.takeLongestStep();
      if (late >= thresholdMs) {
        const at = performance.timeOrigin + now - late;
        if (longest !== undefined && longest.ms >= late / 2) {
          stalls.send({ durationMs: late, at, task: pathOf(longest.task) });
        } else {
          stalls.send({ durationMs: late, at });
        }
      }
    }, period);
    timer.unref();
    try {
      yield* provide(stalls);
    } finally {
      clearInterval(timer);
      scheduler.watchSteps(false);
    }
  });
}

/** The names from the root down to `task`, as `inspect()` shows them. */
function pathOf(task: TaskImpl): string {
  const names: string[] = [];
  for (let s: ScopeNode | undefined = task; s !== undefined; s = s.parent) {
    if (s instanceof TaskImpl)
      names.unshift(s.name ?? (s.priority < s.depth ? "resource" : "task"));
  }
  return names.join(" > ");
}
