import { suppress } from "../suppressed.js";
import type { Operation } from "../types.js";
import { FrameScope } from "./frame-scope.js";
import { type Instruction, InstructionOperation, NEXT, RETURN, THROW } from "./instruction.js";
import { Lazy } from "./lazy.js";
import type { TaskImpl } from "./task.js";

/**
 * Internal. The scope of `scoped()`, `all()` and `race()`: a child failure unwinds the body up to
 * this scope's frame (see frame-scope.ts), where it turns back into an ordinary exception that
 * the code around it can catch. While it is open it is the task's current scope: `spawn()`
 * starts children in it and context values set inside are dropped with it.
 */
export class TrapScope extends FrameScope {
  private hasOutcome = false;
  private ok = false;
  private value: unknown = undefined;

  override raise(error: unknown): void {
    this.fail(error);
    this.unwindToFrame();
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

  /** Return the body's value, throw the first failure, or go on returning (an outer unwind). */
  protected resumeWithOutcome(task: TaskImpl, epoch: number): void {
    if (!this.hasOutcome) task.resumeAt(epoch, RETURN, undefined);
    else task.resumeAt(epoch, this.ok ? NEXT : THROW, this.value);
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
