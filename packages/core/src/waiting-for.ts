import type { Instruction } from "./engine/instruction.js";
import { type Mode, NEXT, RETURN, THROW } from "./engine/instruction.js";
import { PromiseWait } from "./engine/promise-wait.js";
import type { TaskImpl } from "./engine/task.js";
import { bindTask, TaskAsker } from "./engine/task-binding.js";
import type { Operation } from "./types.js";

/**
 * What a task waits on, for {@link waitingFor}: a line of text, or a function that returns one
 * when the task tree is read (for a wait that moves through phases, like an HTTP request).
 *
 * @example
 * ```ts
 * import type { WaitDescription } from "@skein/core";
 *
 * let phase = "connecting";
 * const description: WaitDescription = () => `GET https://example.com/ (${phase})`;
 * ```
 */
export type WaitDescription = string | (() => string);

/** Internal. `waitingFor()` descriptions in force on a task, the innermost last. */
class Descriptions {
  constructor(
    readonly outer: Descriptions | string | (() => string),
    readonly inner: string | (() => string),
  ) {}
}

type Described = Descriptions | string | (() => string);

/** Internal. The text of a wait description; one that throws says so instead. */
export function describeText(what: WaitDescription): string {
  if (typeof what === "string") return what;
  try {
    return String(what());
  } catch {
    return "(its description threw)";
  }
}

function render(described: Described): string {
  if (typeof described === "string" || typeof described === "function") {
    return describeText(described);
  }
  const outer = render(described.outer);
  const inner = render(described.inner);
  return outer === "" ? inner : inner === "" ? outer : `${outer}: ${inner}`;
}

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
  const described = task.waitLabel as Described | undefined;
  const label = described === undefined ? "" : render(described);
  if (label !== "") parts.push(label);
  const teardown = task.waitingOn;
  if (describes(teardown)) parts.push(teardown.describeWait());
  else if (teardown instanceof PromiseWait) parts.push("promise");
  return parts.length === 0 ? undefined : parts.join(": ");
}

/**
 * The iterator of {@link waitingFor}, by hand rather than a generator: it first yields itself to
 * learn its task, then sets the label and forwards every step to the operation's own iterator,
 * restoring the label when that finishes. A generator with `yield*` here cost more than ten
 * times a plain `until()` per call, and queries run through this once each.
 */
class Labelled<T> extends TaskAsker implements Iterator<Instruction, T, unknown> {
  private inner: Iterator<Instruction, T, unknown> | undefined = undefined;
  private before: Described | undefined = undefined;
  constructor(
    private readonly description: WaitDescription,
    private readonly operation: Operation<T>,
  ) {
    super();
  }

  next(value?: unknown): IteratorResult<Instruction, T> {
    const inner = this.inner;
    if (inner !== undefined) return this.forward(inner, NEXT, value);
    const asking = this.askForTask();
    if (asking !== undefined) return asking;
    const task = this.task!;
    // A field of the task rather than a context: a context write and delete per call cost
    // more than the rest of this together.
    const before = task.waitLabel as Described | undefined;
    this.before = before;
    task.waitLabel =
      before === undefined ? this.description : new Descriptions(before, this.description);
    let started: Iterator<Instruction, T, unknown>;
    try {
      started = this.operation[Symbol.iterator]();
      bindTask(started, task);
    } catch (error) {
      this.restore();
      throw error;
    }
    this.inner = started;
    return this.forward(started, NEXT, undefined);
  }

  throw(error: unknown): IteratorResult<Instruction, T> {
    const inner = this.inner;
    if (inner === undefined) throw error;
    if (inner.throw === undefined) {
      this.restore();
      throw error;
    }
    return this.forward(inner, THROW, error);
  }

  return(value?: unknown): IteratorResult<Instruction, T> {
    const inner = this.inner;
    if (inner === undefined) return { done: true, value: value as T };
    if (inner.return === undefined) {
      this.restore();
      return { done: true, value: value as T };
    }
    return this.forward(inner, RETURN, value);
  }

  private forward(
    inner: Iterator<Instruction, T, unknown>,
    mode: Mode,
    value: unknown,
  ): IteratorResult<Instruction, T> {
    let result: IteratorResult<Instruction, T>;
    try {
      result =
        mode === NEXT
          ? inner.next(value)
          : mode === THROW
            ? inner.throw!(value)
            : inner.return!(value as T);
    } catch (error) {
      this.restore();
      throw error;
    }
    if (result.done === true) this.restore();
    return result;
  }

  private restore(): void {
    const task = this.task!;
    this.inner = undefined;
    this.asked = true;
    task.waitLabel = this.before;
  }
}

/** The operation of {@link waitingFor}: a fresh {@link Labelled} each time it runs. */
class WaitingFor<T> implements Operation<T> {
  constructor(
    private readonly description: WaitDescription,
    private readonly operation: Operation<T>,
  ) {}
  [Symbol.iterator](): Iterator<Instruction, T, unknown> {
    return new Labelled(this.description, this.operation);
  }
}

/**
 * Say what the current task waits on while `operation` runs, for `inspect()`, `formatTree()`
 * and `skein ps`: for example an HTTP request's method, URL and phase, or a query's first line.
 * It is shown before what the task is suspended on inside (`GET https://example.com/ (body):
 * promise`), and after the description of an enclosing `waitingFor()` (`query select 1: pool
 * connection (2 of 2 busy)`). A function is called only when the tree is read, so it can name a
 * phase that changes while the task waits; an empty description adds nothing. Packages built on Skein call it around their waits;
 * it costs one context write.
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
 * @param description - what the task waits on, one short line, or a function returning it
 * @param operation - the operation that waits
 * @returns the operation's value
 */
export function waitingFor<T>(description: WaitDescription, operation: Operation<T>): Operation<T> {
  if (typeof description !== "string" && typeof description !== "function") {
    throw new TypeError(
      `waitingFor(): description must be a string or a function, got ${String(description)}`,
    );
  }
  return new WaitingFor(description, operation);
}
