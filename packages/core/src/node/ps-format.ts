import { formatTree, type TaskTree } from "../inspect.js";
import type { InspectSnapshot } from "../inspect-hook.js";

function formatAge(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${(ms / 60_000).toFixed(1)}min`;
}

/**
 * Render a snapshot as `skein ps` prints it: one line per task, with its path from the root,
 * state, age and what it waits on.
 *
 * @example
 * ```ts
 * import { formatPs, readTaskTree } from "@skein/core/node";
 * import { run } from "@skein/core";
 *
 * console.log(formatPs(await run(() => readTaskTree(12345))));
 * ```
 *
 * @param snapshot - from {@link readTaskTree}
 * @returns a table, without a trailing newline
 */
export function formatPs(snapshot: InspectSnapshot): string {
  const rows: string[][] = [["TASK", "STATE", "AGE", "WAITING ON"]];
  const walk = (node: TaskTree, path: string): void => {
    for (const child of node.children) {
      const here = path === "" ? child.name : `${path} > ${child.name}`;
      if (child.kind !== "scope") {
        rows.push([here, child.state, formatAge(child.ageMs), child.waitingOn ?? ""]);
      }
      walk(child, here);
    }
  };
  walk(snapshot.tree, "");
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
  return [`process ${String(snapshot.pid)}`, ...lines].join("\n");
}

/**
 * Render a snapshot as `skein pstree` prints it: the tree of {@link formatTree}, headed by the
 * process id.
 *
 * @example
 * ```ts
 * import { formatPstree, readTaskTree } from "@skein/core/node";
 * import { run } from "@skein/core";
 *
 * console.log(formatPstree(await run(() => readTaskTree(12345))));
 * ```
 *
 * @param snapshot - from {@link readTaskTree}
 * @returns the tree, without a trailing newline
 */
export function formatPstree(snapshot: InspectSnapshot): string {
  return `process ${String(snapshot.pid)}\n${formatTree(snapshot.tree)}`;
}
