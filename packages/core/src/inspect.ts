import type { ChildNode, ScopeNode } from "./engine/scope-node.js";
import { SUSPENDED, TaskImpl, UNWOUND } from "./engine/task.js";
import { global } from "./scope.js";
import { waitOf } from "./waiting-for.js";

/**
 * One node of the live task tree from {@link inspect}.
 *
 * @example
 * ```ts
 * import { inspect, type TaskTree } from "@skein/core";
 *
 * const tree: TaskTree = inspect();
 * console.log(tree.children.length);
 * ```
 */
export interface TaskTree {
  /** The name given with `spawn(op, { name })` or `label()`, else the kind. */
  readonly name: string;
  /** A task, a resource (a task that provides a value), or a scope made with `createScope()`. */
  readonly kind: "task" | "resource" | "scope";
  /** `running` covers tasks that are stepping or queued to step. */
  readonly state: "running" | "suspended" | "halting";
  /** Milliseconds since the node was created. */
  readonly ageMs: number;
  readonly children: readonly TaskTree[];
  /**
   * What a suspended task waits on, when known: `sleep until …`, `semaphore (…)`, `task …`,
   * `promise`, or what a `waitingFor()` around the wait says (an HTTP request, a query).
   */
  readonly waitingOn?: string;
}

function stateOf(task: TaskImpl): TaskTree["state"] {
  if (task.halted || task.state >= UNWOUND) return "halting";
  return task.state === SUSPENDED ? "suspended" : "running";
}

function childrenOf(scope: ScopeNode, now: number, into: TaskTree[]): TaskTree[] {
  for (let c: ChildNode | undefined = scope.firstChild; c !== undefined; c = c.nextSibling) {
    if (!c.done) into.push(nodeOf(c as unknown as ScopeNode, now));
  }
  return into;
}

function nodeOf(scope: ScopeNode, now: number): TaskTree {
  if (!(scope instanceof TaskImpl)) {
    return {
      name: "scope",
      kind: "scope",
      state: scope.closed ? "halting" : "running",
      ageMs: 0,
      children: childrenOf(scope, now, []),
    };
  }
  const children = childrenOf(scope, now, []);
  // Tasks started inside `scoped()`, `all()` or `race()` belong to scopes that are not on the
  // task's child list; the active ones are the chain from `task.scope` up to the task.
  const traps: ScopeNode[] = [];
  for (let s: ScopeNode | undefined = scope.scope; s !== scope && s !== undefined; s = s.parent) {
    traps.push(s);
  }
  for (let i = traps.length - 1; i >= 0; i--) childrenOf(traps[i]!, now, children);
  // And those of scopes the task has left, which it waits on while they halt their children.
  const leaving = scope.leaving;
  if (leaving !== undefined) for (const left of leaving) childrenOf(left, now, children);
  const kind = scope.priority < scope.depth ? "resource" : "task";
  return {
    name: scope.name || kind,
    kind,
    state: stateOf(scope),
    ...waitingOn(scope),
    ageMs: now - scope.createdAt,
    children,
  };
}

/**
 * A snapshot of every live task in the process, starting from the global scope: names, states,
 * ages and children. Finished tasks are not in it. Cheap enough to call on demand, for example
 * from a `SIGUSR2` handler that prints {@link formatTree} of it.
 *
 * @example
 * ```ts
 * import { formatTree, inspect, main, spawn, suspend } from "@skein/core";
 *
 * await main(function* () {
 *   yield* spawn(function* () { yield* suspend(); }, { name: "server" });
 *   process.on("SIGUSR2", () => console.error(formatTree(inspect())));
 *   yield* suspend();
 * });
 * ```
 *
 * @returns the tree, rooted at a node named `global`
 */
export function inspect(): TaskTree {
  // On the clock tasks are stamped with (`createdAt` is the time origin plus a monotonic
  // reading): `Date.now()` drifts from it by a millisecond or so, enough for a negative age.
  const now = performance.timeOrigin + performance.now();
  return {
    name: "global",
    kind: "scope",
    state: "running",
    ageMs: performance.now(),
    children: childrenOf(global as ScopeNode, now, []),
  };
}

function formatAge(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${(ms / 60_000).toFixed(1)}min`;
}

function waitingOn(task: TaskImpl): { waitingOn?: string } {
  if (task.state !== SUSPENDED) return {};
  const wait = waitOf(task);
  return wait === undefined ? {} : { waitingOn: wait };
}

function describe(node: TaskTree): string {
  const age =
    node.kind === "scope"
      ? ""
      : `, ${formatAge(node.ageMs)}${node.waitingOn === undefined ? "" : `, waiting on ${node.waitingOn}`}`;
  const kind = node.kind === "task" || node.name === node.kind ? "" : `${node.kind}, `;
  return `${node.name} (${kind}${node.state}${age})`;
}

function formatInto(node: TaskTree, prefix: string, lines: string[]): void {
  const count = node.children.length;
  node.children.forEach((child, i) => {
    const last = i === count - 1;
    lines.push(`${prefix}${last ? "└─ " : "├─ "}${describe(child)}`);
    formatInto(child, `${prefix}${last ? "   " : "│  "}`, lines);
  });
}

/**
 * Render a tree from {@link inspect} as indented text, one node per line:
 *
 * ```text
 * global
 * └─ main (suspended, 2.1s)
 *    ├─ server (suspended, 2.1s)
 *    └─ useDatabase (resource, suspended, 2.1s)
 * ```
 *
 * @example
 * ```ts
 * import { formatTree, inspect } from "@skein/core";
 *
 * console.log(formatTree(inspect()));
 * ```
 *
 * @param tree - the tree (or any subtree) to render
 * @returns the text, without a trailing newline
 */
export function formatTree(tree: TaskTree): string {
  const lines = [tree.name];
  formatInto(tree, "", lines);
  return lines.join("\n");
}
