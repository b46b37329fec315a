import { InstructionOperation, NEXT } from "./engine/instruction.js";
import type { TaskImpl } from "./engine/task.js";
import type { Operation } from "./types.js";

class Label extends InstructionOperation<void> {
  constructor(private name: string) {
    super();
  }
  enter(task: TaskImpl): void {
    task.name = this.name;
    task.resume(NEXT, undefined);
  }
}

/**
 * Name the current task, as {@link inspect} and {@link formatTree} show it. Later calls rename it,
 * so a long-lived task can say what it is doing now.
 *
 * @example
 * ```ts
 * import { formatTree, inspect, label, run } from "@skein/core";
 *
 * await run(function* () {
 *   yield* label("importer");
 *   console.log(formatTree(inspect()));
 * });
 * ```
 *
 * @param name - the task's new name
 * @returns an operation that sets the name
 */
export function label(name: string): Operation<void> {
  if (typeof name !== "string") {
    throw new TypeError(`label(): name must be a string, got ${String(name)}`);
  }
  return new Label(name);
}
