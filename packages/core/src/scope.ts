import { InstructionOperation, NEXT } from "./engine/instruction.js";
import { createOwnedScope } from "./engine/owned-scope.js";
import type { ScopeNode } from "./engine/scope-node.js";
import { PlainScope, type TaskImpl } from "./engine/task.js";
import type { Future, Operation, Scope } from "./types.js";

/**
 * The root of every scope. `run()` starts tasks here.
 *
 * @example
 * ```ts
 * import { global } from "@skein/core";
 *
 * const task = global.run(function* () { return 1; });
 * ```
 */
// The root of the process's task tree: beside the scheduler (engine/scheduler.ts), the only
// module-level state that changes, as top-level tasks start and end.
export const global: Scope = new PlainScope(undefined);

class UseScope extends InstructionOperation<Scope> {
  enter(task: TaskImpl): void {
    task.resume(NEXT, task.scope);
  }
}

/**
 * The scope of the running operation: use it to start tasks from plain callbacks with
 * `scope.run()`; they still end when the scope ends.
 *
 * @example
 * ```ts
 * import { run, suspend, useScope } from "@skein/core";
 *
 * await run(function* () {
 *   const scope = yield* useScope();
 *   const task = scope.run(function* () { return "from a callback"; });
 *   console.log(yield* task);
 * });
 * ```
 *
 * @returns an operation yielding the current {@link Scope}
 */
export function useScope(): Operation<Scope> {
  return new UseScope();
}

/**
 * A scope made with {@link createScope}: also a `[scope, destroy]` pair and async-disposable.
 *
 * @example
 * ```ts
 * import { createScope, type OwnedScope } from "@skein/core";
 *
 * const scope: OwnedScope = createScope();
 * await scope.destroy();
 * ```
 */
export interface OwnedScope extends Scope {
  /** Halt everything the scope owns, most recent first; settles when all cleanup is done. */
  destroy(): Future<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Create a scope owned by plain code (a framework hook, a test, a server) under `parent`
 * (default: the global scope). Destroying it halts every task it owns; it is destroyed with its
 * parent at the latest.
 *
 * @example
 * ```ts
 * import { createScope, suspend } from "@skein/core";
 *
 * const [scope, destroy] = createScope();
 * scope.run(function* () {
 *   try { yield* suspend(); } finally { console.log("cleaned up"); }
 * });
 * await destroy();
 * ```
 *
 * @param parent - the scope that owns the new one
 * @returns the scope, destructurable as `[scope, destroy]`
 */
export function createScope(parent: Scope = global): OwnedScope & [Scope, () => Future<void>] {
  const node = parent as ScopeNode;
  if (!node.underScopeApi) return createOwnedScope(node);
  return node.observeCreate(() => {
    const made = createOwnedScope(node);
    return [made, () => made.destroy()];
  });
}
