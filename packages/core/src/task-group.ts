import { FrameScope } from "./engine/frame-scope.js";
import {
  type Instruction,
  InstructionOperation,
  NEXT,
  RETURN,
  THROW,
} from "./engine/instruction.js";
import { Lazy } from "./engine/lazy.js";
import type { ChildNode } from "./engine/scope-node.js";
import type { TaskImpl } from "./engine/task.js";
import { startChild, type TaskStatus } from "./task-status.js";
import type { Operation, Task } from "./types.js";

/**
 * The handle a task group's body gets: start children that the group waits for.
 *
 * @example
 * ```ts
 * import { run, type TaskGroup, taskGroup } from "@skein/core";
 *
 * await run(() =>
 *   taskGroup(function* (group: TaskGroup) {
 *     yield* group.spawn(function* () { return 1; });
 *   }),
 * );
 * ```
 */
export interface TaskGroup {
  /** Start `operation` as a child of the group; the group does not end before it does. */
  spawn<T>(operation: () => Operation<T>): Operation<Task<T>>;
  /**
   * Start a child and wait until it calls `status.started(value)` (Trio's `nursery.start`);
   * returns that value. A failure before then is thrown here, not into the group.
   */
  start<V, T = unknown>(operation: (status: TaskStatus<V>) => Operation<T>): Operation<V>;
  /**
   * Halt the body and every child, from inside or outside the group (Trio's
   * `nursery.cancel_scope.cancel()`); called from the body itself, it takes effect at the body's
   * next yield. The group then returns `undefined` without an error.
   */
  cancel(): void;
}

/**
 * Every failure of a task group, like Python's `ExceptionGroup`: the first failure, then those
 * of children that failed before they could be halted, and errors thrown while halting them.
 * Its `code` is `"task-group"`.
 *
 * @example
 * ```ts
 * import { run, TaskGroupError, taskGroup } from "@skein/core";
 *
 * try {
 *   await run(() => taskGroup(function* (group) {
 *     yield* group.spawn(function* () { throw new Error("a"); });
 *   }));
 * } catch (error) {
 *   if (error instanceof TaskGroupError) console.log(error.errors.length);
 * }
 * ```
 */
export class TaskGroupError extends AggregateError {
  readonly code = "task-group";
  override name = "TaskGroupError";
  /**
   * @param errors - the failures, in the order they happened
   */
  constructor(errors: unknown[]) {
    const first = errors[0];
    const reason = first instanceof Error ? first.message : String(first);
    super(errors, `${errors.length} failure(s) in a task group, the first: ${reason}`);
  }
}

/**
 * Internal. The scope of a group's children: a child's failure is recorded here (or handed to
 * `onError`) instead of unwinding the owner at once, and the body can wait for every child.
 * The first failure, and `group.cancel()`, unwind the body to the group's frame (frame-scope.ts).
 * Unlike a trap scope it is not the task's current scope: only `group.spawn` starts children
 * in it.
 */
class GroupScope extends FrameScope {
  readonly errors: unknown[] = [];
  private hasValue = false;
  private value: unknown = undefined;
  private joiner: JoinGroup | undefined = undefined;

  constructor(
    task: TaskImpl,
    private onError: ((error: unknown) => void) | undefined,
    frame: object | undefined,
    private grouped: boolean,
  ) {
    super(task, frame);
  }

  override raise(error: unknown): void {
    if (this.onError !== undefined) {
      try {
        this.onError(error);
        return;
      } catch (thrown) {
        error = thrown;
      }
    }
    this.fail(error);
    if (this.errors.length === 1) this.unwindToFrame();
  }

  /** Internal. `group.cancel()`: unwind the body to the group's frame; children are halted. */
  cancel(): void {
    this.unwindToFrame();
  }

  override release(child: ChildNode): void {
    super.release(child);
    if (this.firstChild === undefined) this.joiner?.wake();
  }

  /** Every failure is kept, in order (once each). */
  fail(error: unknown): void {
    if (!this.errors.includes(error)) this.errors.push(error);
  }

  succeed(value: unknown): void {
    this.hasValue = true;
    this.value = value;
  }

  join(): Operation<void> {
    return new JoinGroup(this);
  }

  /** Internal. Called by `JoinGroup`. */
  setJoiner(joiner: JoinGroup | undefined): void {
    this.joiner = joiner;
  }

  /** Return the body's value, throw the failures, or go on returning (an outer unwind). */
  protected resumeWithOutcome(task: TaskImpl, epoch: number): void {
    const errors = this.errors;
    if (errors.length > 0) {
      task.resumeAt(epoch, THROW, this.grouped ? new TaskGroupError(errors.slice()) : errors[0]);
    } else if (!this.hasValue) task.resumeAt(epoch, RETURN, undefined);
    else task.resumeAt(epoch, NEXT, this.value);
  }
}

/** Internal. Wait until the group has no children left. */
class JoinGroup extends InstructionOperation<void> {
  private task: TaskImpl | undefined = undefined;
  private epoch = 0;
  constructor(private group: GroupScope) {
    super();
  }
  enter(task: TaskImpl): void {
    if (this.group.firstChild === undefined) {
      task.resume(NEXT, undefined);
      return;
    }
    this.task = task;
    this.group.setJoiner(this);
    this.epoch = task.suspend(this);
  }
  wake(): void {
    this.group.setJoiner(undefined);
    this.task?.resumeAt(this.epoch, NEXT, undefined);
  }
  cancel(): void {
    this.group.setJoiner(undefined);
  }
}

/** Opens the group's scope; it also carries the group's generator frame, set once it exists. */
class EnterGroup extends InstructionOperation<GroupScope> {
  frame: object | undefined = undefined;
  constructor(
    private onError: ((error: unknown) => void) | undefined,
    private grouped: boolean,
  ) {
    super();
  }
  enter(task: TaskImpl): void {
    task.resume(NEXT, new GroupScope(task, this.onError, this.frame, this.grouped));
  }
}

/**
 * Internal. Run a group body: children of `group.spawn` are waited for when the body returns
 * and halted when it fails. Without `onError`, a child's failure fails the group (grouped in a
 * `TaskGroupError`); with it, the failure is reported and the siblings go on.
 */
export function runGroup<T>(
  body: (group: TaskGroup) => Operation<T>,
  onError: ((error: unknown) => void) | undefined,
): Iterator<Instruction, T, unknown> {
  const enter = new EnterGroup(onError, onError === undefined);
  const frame = groupFrame(body, enter);
  enter.frame = frame;
  return frame;
}

function* groupFrame<T>(
  body: (group: TaskGroup) => Operation<T>,
  enter: EnterGroup,
): Generator<Instruction, T, unknown> {
  const scope = yield* enter;
  const group: TaskGroup = {
    spawn: (operation) => scope.spawn(operation),
    start: <V, T>(operation: (status: TaskStatus<V>) => Operation<T>) =>
      new Lazy(
        startChild<V, T>,
        (child: () => Operation<T | undefined>) => scope.spawn(child),
        operation,
        undefined,
      ),
    cancel: () => scope.cancel(),
  };
  try {
    const value = yield* body(group);
    yield* scope.join();
    scope.succeed(value);
  } catch (error) {
    scope.fail(error);
  } finally {
    // biome-ignore lint/correctness/noUnsafeFinally: the group decides how its scope ends
    return (yield* scope.exit()) as T;
  }
}

/**
 * Run `body` with a task group, like Python's `asyncio.TaskGroup`: the group waits for every
 * child it started before it returns. When a child (or the body) fails, the others are halted
 * and the group throws a {@link TaskGroupError} holding every failure, not just the first.
 *
 * @example
 * ```ts
 * import { run, sleep, taskGroup } from "@skein/core";
 *
 * await run(() =>
 *   taskGroup(function* (group) {
 *     for (const ms of [10, 20, 30]) {
 *       yield* group.spawn(function* () {
 *         yield* sleep(ms);
 *       });
 *     }
 *   }), // returns after all three have slept
 * );
 * ```
 *
 * @param body - starts children with `group.spawn`
 * @returns the body's value, once every child has finished
 */
export function taskGroup<T>(body: (group: TaskGroup) => Operation<T>): Operation<T> {
  return new Lazy(runGroup<T>, body, undefined, undefined);
}
