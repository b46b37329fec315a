import { createContext } from "./context.js";
import type { Instruction } from "./engine/instruction.js";
import { InstructionOperation, NEXT } from "./engine/instruction.js";
import { Lazy } from "./engine/lazy.js";
import { PromiseWait } from "./engine/promise-wait.js";
import type { TaskImpl } from "./engine/task.js";
import type { Operation } from "./types.js";

/** Internal. What a task's own `waitingFor()` says it waits on; read only on the task itself. */
const WaitLabel = createContext<string>("@skein/core/waiting-for");

/** Internal. A suspended task's teardown that can say what the task waits on. */
export interface DescribesWait {
  describeWait(): string;
}

function describes(value: unknown): value is DescribesWait {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Partial<DescribesWait>).describeWait === "function"
  );
}

/**
 * Internal. What a suspended task waits on: the label of an enclosing `waitingFor()`, else what
 * the instruction it is suspended on says (a sleep, a semaphore, a queue, another task), else
 * "promise" for `until()`.
 */
export function waitOf(task: TaskImpl): string | undefined {
  const parts: string[] = [];
  if (task.hasOwn(WaitLabel)) parts.push(task.get(WaitLabel)!);
  const teardown = task.waitingOn;
  if (describes(teardown)) parts.push(teardown.describeWait());
  else if (teardown instanceof PromiseWait) parts.push("promise");
  return parts.length === 0 ? undefined : parts.join(": ");
}

class TaskOf extends InstructionOperation<TaskImpl> {
  enter(task: TaskImpl): void {
    task.resume(NEXT, task);
  }
}

function* labelled<T>(
  description: string,
  operation: Operation<T>,
): Generator<Instruction, T, unknown> {
  const task = yield* new TaskOf();
  const had = task.hasOwn(WaitLabel);
  const before = task.get(WaitLabel);
  task.set(WaitLabel, description);
  try {
    return yield* operation;
  } finally {
    if (had) task.set(WaitLabel, before!);
    else task.delete(WaitLabel);
  }
}

/**
 * Say what the current task waits on while `operation` runs, for `inspect()`, `formatTree()`
 * and `skein ps`: for example an HTTP request's method, URL and phase, or a query's first line.
 * It is shown before what the task is suspended on inside (`GET https://example.com/ (body):
 * promise`). Packages built on Skein call it around their waits; it costs one context write.
 *
 * @example
 * ```ts
 * import { run, until, waitingFor } from "@skein/core";
 *
 * await run(function* () {
 *   const response = yield* waitingFor(
 *     "GET https://example.com/ (headers)",
 *     until(fetch("https://example.com/")),
 *   );
 *   console.log(response.status);
 * });
 * ```
 *
 * @param description - what the task waits on, one short line
 * @param operation - the operation that waits
 * @returns the operation's value
 */
export function waitingFor<T>(description: string, operation: Operation<T>): Operation<T> {
  if (typeof description !== "string") {
    throw new TypeError(`waitingFor(): description must be a string, got ${String(description)}`);
  }
  return new Lazy(labelled<T>, description, operation, undefined);
}
