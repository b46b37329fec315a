import type { TaskTree } from "../inspect.js";

/**
 * The first node named `name` in a task tree from `inspect()`, searched depth first, or
 * `undefined`. For tests that check what a task is called or what it waits on.
 *
 * @example
 * ```ts
 * import { expect } from "vitest";
 * import { inspect, spawn, suspend } from "@skein/core";
 * import { findTask, it } from "@skein/core/test";
 *
 * it("shows the worker it started", function* () {
 *   yield* spawn(suspend, { name: "worker" });
 *   expect(findTask(inspect(), "worker")).toBeDefined();
 * });
 * ```
 *
 * @param tree - the tree, or a subtree of it
 * @param name - the task's name
 * @returns the node, or `undefined` when no node has that name
 */
export function findTask(tree: TaskTree, name: string): TaskTree | undefined {
  if (tree.name === name) return tree;
  for (const child of tree.children) {
    const found = findTask(child, name);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Every node of a task tree from `inspect()`, the root first, depth first.
 *
 * @example
 * ```ts
 * import { expect } from "vitest";
 * import { inspect, spawn, suspend } from "@skein/core";
 * import { it, taskNodes } from "@skein/core/test";
 *
 * it("counts its workers", function* () {
 *   yield* spawn(suspend, { name: "worker" });
 *   yield* spawn(suspend, { name: "worker" });
 *   expect(taskNodes(inspect()).filter((node) => node.name === "worker")).toHaveLength(2);
 * });
 * ```
 *
 * @param tree - the tree, or a subtree of it
 * @returns its nodes
 */
export function taskNodes(tree: TaskTree): TaskTree[] {
  return [tree, ...tree.children.flatMap(taskNodes)];
}
