import { InstructionOperation, NEXT } from "./engine/instruction.js";
import { scheduler } from "./engine/scheduler.js";
import type { TaskImpl } from "./engine/task.js";
import type { Operation, Task } from "./types.js";

/**
 * Options for {@link spawn}.
 *
 * @example
 * ```ts
 * import { type SpawnOptions, spawn } from "@skein/core";
 *
 * const options: SpawnOptions = { name: "poller" };
 * const op = spawn(function* () {}, options);
 * ```
 */
export interface SpawnOptions {
  /** Shown by `inspect()`; unnamed tasks show as `task`. */
  name?: string;
}

class Spawn<T> extends InstructionOperation<Task<T>> {
  constructor(
    private operation: () => Operation<T>,
    private name: string | undefined,
  ) {
    super();
  }
  enter(task: TaskImpl): void {
    const child = task.scope.create(this.operation, false);
    if (this.name !== undefined) child.name = this.name;
    scheduler.schedule(child);
    task.resume(NEXT, child);
  }
}

/**
 * Start `operation` as a child of the current task. It begins once the current task waits,
 * and it cannot outlive the current scope: when that ends, the child is halted. If the child
 * fails, the parent fails with its error.
 *
 * For hot paths, hoist the generator function and pass arguments through a closure-free call
 * such as `spawn(() => worker(i))` where `worker` is declared once: V8 allocates a prototype for
 * every generator function expression it creates.
 *
 * @example
 * ```ts
 * import { run, sleep, spawn } from "@skein/core";
 *
 * await run(function* () {
 *   const task = yield* spawn(function* () {
 *     yield* sleep(10);
 *     return "done";
 *   });
 *   console.log(yield* task);
 * });
 * ```
 *
 * @param operation - a function returning the operation to run
 * @param options - `name` labels the task for {@link inspect}
 * @returns an operation yielding the child's {@link Task}
 */
export function spawn<T>(
  operation: () => Operation<T>,
  options?: SpawnOptions,
): Operation<Task<T>> {
  if (typeof operation !== "function") {
    throw new TypeError(
      `spawn() takes a function that returns an operation, got ${describeValue(operation)}`,
    );
  }
  const name = options?.name;
  if (name !== undefined && typeof name !== "string") {
    throw new TypeError(`spawn(): options.name must be a string, got ${String(name)}`);
  }
  return new Spawn(operation, name);
}

/** What a misused argument was, for an error message. */
function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object") return "an object (pass a function: spawn(() => operation))";
  return `${typeof value} ${String(value)}`;
}
