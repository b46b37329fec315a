import { inspect, type TaskTree } from "./inspect.js";

/**
 * Internal. The well-known key under which a Skein process offers its task tree to an
 * out-of-process reader (`skein ps`): `globalThis[Symbol.for("@skein/core/inspect")]` is a
 * function returning {@link InspectSnapshot} as a JSON string. The reader evaluates it through
 * the inspector protocol, so it needs no code in the target beyond running Skein. It is set
 * the first time `run()` (and so `main()`) starts a task, and never removed: it holds no state,
 * only a function that reads the live tree when called.
 */
export const INSPECT_HOOK: unique symbol = Symbol.for("@skein/core/inspect") as never;

/**
 * What the hook returns (as JSON): the process and its live task tree.
 *
 * @example
 * ```ts
 * import type { InspectSnapshot } from "@skein/core";
 *
 * function count(snapshot: InspectSnapshot): number {
 *   return snapshot.tree.children.length;
 * }
 * ```
 */
export interface InspectSnapshot {
  /** The process id, so a reader can check it reached the process it meant. */
  readonly pid: number | undefined;
  /** Epoch milliseconds of the snapshot. */
  readonly at: number;
  readonly tree: TaskTree;
}

function snapshot(): string {
  const pid = (globalThis as { process?: { pid?: number } }).process?.pid;
  return JSON.stringify({ pid, at: Date.now(), tree: inspect() } satisfies InspectSnapshot);
}

/** Internal. Offer the task tree under {@link INSPECT_HOOK}; idempotent and cheap. */
export function offerInspectHook(): void {
  const holder = globalThis as { [INSPECT_HOOK]?: () => string };
  if (holder[INSPECT_HOOK] === undefined) {
    Object.defineProperty(holder, INSPECT_HOOK, { value: snapshot, configurable: true });
  }
}
