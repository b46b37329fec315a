import { InstructionOperation } from "./engine/instruction.js";
import { NEXT, type TaskImpl } from "./engine/task.js";
import type { Operation, Task } from "./types.js";

class Spawn<T> extends InstructionOperation<Task<T>> {
  constructor(private operation: () => Operation<T>) {
    super();
  }
  enter(task: TaskImpl): void {
    task.resume(NEXT, task.scope.run(this.operation));
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
 * @returns an operation yielding the child's {@link Task}
 */
export function spawn<T>(operation: () => Operation<T>): Operation<Task<T>> {
  return new Spawn(operation);
}
