import type { ChildNode, ScopeNode } from "../engine/task.js";
import { createScope, global, type OwnedScope } from "../scope.js";
import type { Operation } from "../types.js";

/**
 * Thrown when a test leaves tasks running outside its own scope (after they are halted).
 *
 * @example
 * ```ts
 * import { run, suspend } from "@skein/core";
 * import { describe, it, LeakedTasksError } from "@skein/core/test";
 *
 * describe("a leak", () => {
 *   // This test fails with a LeakedTasksError: the task it starts on the global scope outlives it.
 *   it("starts a task it does not own", function* () {
 *     run(function* () {
 *       yield* suspend();
 *     });
 *   });
 * });
 * void LeakedTasksError;
 * ```
 */
export class LeakedTasksError extends Error {
  readonly code = "leaked-tasks";
  override name = "LeakedTasksError";
  constructor(readonly count: number) {
    super(`the test left ${count} task(s) running in the global scope; they have been halted`);
  }
}

/** Internal. Per-test state, kept on the vitest test context. */
export class Harness {
  readonly hooks: (() => Operation<void>)[] = [];
  private scope: OwnedScope | undefined = undefined;

  /** Run the hooks and the body as one task in a fresh scope, then check for leaks. */
  async run(body: () => Operation<void>): Promise<void> {
    const before = liveChildren(global as ScopeNode);
    const scope = createScope();
    this.scope = scope;
    const hooks = this.hooks;
    try {
      await scope.run(function* () {
        for (const hook of hooks) yield* hook();
        yield* body();
      });
    } finally {
      await this.end();
    }
    const leaked = liveChildren(global as ScopeNode).filter((child) => !before.has(child));
    if (leaked.length > 0) {
      for (const child of leaked.reverse()) {
        await Promise.resolve((child as ChildNode & { halt(): unknown }).halt());
      }
      throw new LeakedTasksError(leaked.length);
    }
  }

  /** Destroy the test's scope (idempotent); its cleanup errors fail the test. */
  async end(): Promise<void> {
    const scope = this.scope;
    this.scope = undefined;
    if (scope !== undefined) await scope.destroy();
  }
}

function liveChildren(scope: ScopeNode): ChildNode[] & { has(child: ChildNode): boolean } {
  const children: ChildNode[] = [];
  for (let c = scope.firstChild; c !== undefined; c = c.nextSibling) children.push(c);
  const set = new Set(children);
  return Object.assign(children, { has: (child: ChildNode) => set.has(child) });
}
