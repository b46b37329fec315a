import { InstructionOperation, NEXT, THROW } from "./engine/instruction.js";
import { scheduler } from "./engine/scheduler.js";
import { type ChildNode, OUTCOME_HALTED, OUTCOME_OK, type Waiter } from "./engine/scope-node.js";
import type { TaskImpl } from "./engine/task.js";
import { trapped } from "./engine/trap-scope.js";
import { HaltError } from "./errors.js";
import type { Operation, Yielded } from "./types.js";

/** The tuple of values that `all()` produces for its operations.
 *
 * @example
 * ```ts
 * import type { All, Operation } from "@skein/core";
 *
 * type Pair = All<[Operation<number>, Operation<string>]>; // [number, string]
 * ```
 */
export type All<T extends readonly Operation<unknown>[] | []> = {
  -readonly [P in keyof T]: Yielded<T[P]>;
};

/**
 * Run operations concurrently and return all their values in order, like `Promise.all`. When
 * one fails, the others are halted, and `all` throws that error once their cleanup is done.
 *
 * @example
 * ```ts
 * import { all, run, sleep } from "@skein/core";
 *
 * function* after(ms: number, value: string) {
 *   yield* sleep(ms);
 *   return value;
 * }
 * const [a, b] = await run(() => all([after(20, "a"), after(10, "b")]));
 * ```
 *
 * @param operations - the operations to run
 * @returns their values, in the order given
 */
export function all<T extends readonly Operation<unknown>[] | []>(
  operations: T,
): Operation<All<T>> {
  if (!Array.isArray(operations)) {
    throw new TypeError(`all() takes an array of operations, got ${String(operations)}`);
  }
  return trapped(function* () {
    return (yield* new AllOf(operations)) as All<T>;
  });
}

/**
 * Starts one child per operation in the current (trap) scope and resumes once all have
 * returned, with their values in order. A failing child raises to the trap scope, which unwinds
 * this wait and halts the rest; a child halted from outside makes `all` throw a HaltError, as
 * joining it would.
 */
class AllOf extends InstructionOperation<unknown[]> implements Waiter {
  private task: TaskImpl | undefined = undefined;
  private children: TaskImpl[] = [];
  private remaining = 0;
  private epoch = 0;

  constructor(private operations: readonly Operation<unknown>[]) {
    super();
  }

  enter(task: TaskImpl): void {
    const operations = this.operations;
    const scope = task.scope;
    const children: TaskImpl[] = new Array(operations.length);
    for (let i = 0; i < operations.length; i++) {
      const operation = operations[i]!;
      children[i] = scope.create(() => operation, false);
    }
    this.children = children;
    this.remaining = children.length;
    if (children.length === 0) {
      task.resume(NEXT, []);
      return;
    }
    this.task = task;
    this.epoch = task.suspend(this);
    for (const child of children) {
      child.addWaiter(this);
      scheduler.schedule(child);
    }
  }

  settled(child: ChildNode): void {
    const task = this.task;
    if (task === undefined) return;
    if (child.outcome === OUTCOME_HALTED) {
      this.task = undefined;
      task.resumeAt(this.epoch, THROW, new HaltError());
      return;
    }
    // A failure reaches the trap scope on its own and unwinds this wait.
    if (child.outcome !== OUTCOME_OK || --this.remaining > 0) return;
    this.task = undefined;
    task.resumeAt(
      this.epoch,
      NEXT,
      this.children.map((c) => c.result),
    );
  }

  cancel(): void {
    this.task = undefined;
  }
}
