import { suppress } from "../suppressed.js";
import type { Operation } from "../types.js";
import { type Instruction, InstructionOperation } from "./instruction.js";
import { Lazy } from "./lazy.js";
import { NEXT, PlainScope, RETURN, type TaskImpl, THROW } from "./task.js";

/**
 * Internal. A scope inside one task's body (`scoped()`, `all()`, `race()`): a child failure
 * unwinds the body up to this scope, where it turns back into an ordinary exception that the
 * code around it can catch.
 */
export class TrapScope extends PlainScope {
  private hasOutcome = false;
  private ok = false;
  private value: unknown = undefined;
  private exiting = false;

  constructor(
    private task: TaskImpl,
    /** The generator frame of the trapped operation, where an unwind turns into an exception. */
    readonly frame: object | undefined,
  ) {
    super(task.scope);
  }

  override raise(error: unknown): void {
    this.fail(error);
    if (!this.exiting) this.task.unwind(this);
  }

  succeed(value: unknown): void {
    if (this.hasOutcome) return;
    this.hasOutcome = true;
    this.ok = true;
    this.value = value;
  }

  /** The first failure is the one thrown; later ones are attached to it. */
  fail(error: unknown): void {
    if (this.hasOutcome && !this.ok) {
      suppress(this.value, error);
      return;
    }
    this.hasOutcome = true;
    this.ok = false;
    this.value = error;
  }

  /** Leave the scope: halt what it still runs, then return, throw, or keep unwinding. */
  exit(): Operation<unknown> {
    return new ExitTrap(this);
  }

  /** Internal. Called by `ExitTrap`. */
  leave(task: TaskImpl): void {
    this.exiting = true;
    task.scope = this.parent!;
    if (this.firstChild === undefined) {
      this.closed = true;
      if (!this.hasOutcome) task.resume(RETURN, undefined);
      else task.resume(this.ok ? NEXT : THROW, this.value);
      return;
    }
    task.critical++;
    const epoch = task.epoch;
    this.destroyChildren((error, failed) => {
      task.critical--;
      if (failed) this.fail(error);
      if (!this.hasOutcome) task.resumeAt(epoch, RETURN, undefined);
      else task.resumeAt(epoch, this.ok ? NEXT : THROW, this.value);
    });
  }
}

/** Opens the trap scope; it also carries the trapped generator frame, set once it exists. */
class EnterTrap extends InstructionOperation<TrapScope> {
  frame: object | undefined = undefined;
  enter(task: TaskImpl): void {
    const trap = new TrapScope(task, this.frame);
    task.scope = trap;
    task.resume(NEXT, trap);
  }
}

class ExitTrap extends InstructionOperation<unknown> {
  constructor(private trap: TrapScope) {
    super();
  }
  enter(task: TaskImpl): void {
    this.trap.leave(task);
  }
}

/**
 * Internal. An operation that runs `body` in a trap scope of the current task: its children end
 * with it, a child's failure is thrown here, and context values set inside are dropped.
 */
export function trapped<T>(body: () => Operation<T>): Operation<T> {
  return new Lazy(enterTrapped<T>, body, undefined, undefined);
}

function enterTrapped<T>(body: () => Operation<T>): Iterator<Instruction, T, unknown> {
  const enter = new EnterTrap();
  const frame = trappedFrame(body, enter);
  enter.frame = frame;
  return frame;
}

function* trappedFrame<T>(body: () => Operation<T>, enter: EnterTrap): Generator<any, T, any> {
  const trap = yield* enter;
  try {
    trap.succeed(yield* body());
  } catch (error) {
    trap.fail(error);
  } finally {
    // biome-ignore lint/correctness/noUnsafeFinally: the trap decides how the scope ends
    return (yield* trap.exit()) as T;
  }
}
