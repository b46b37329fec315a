import type { Operation } from "../types.js";
import { InstructionOperation } from "./instruction.js";
import { PlainScope, type TaskImpl } from "./task.js";
import type { UnwindTarget } from "./unwinding.js";

/**
 * Internal. A scope that an operation opens inside one task's body, tied to that operation's
 * generator frame: `scoped()`, `all()` and `race()` (trap-scope.ts), task groups
 * (task-group.ts). This is the one way the engine stops an unwind before the top of a body.
 *
 * When the scope wants its operation to end early (a child failed, the group was cancelled) it
 * calls {@link unwindToFrame}: the task's body returns, running `finally` blocks, up to the
 * frame and no further. There the frame's own `finally` yields {@link exit}, which halts the
 * children that remain and resumes the frame with the scope's outcome (a value, an error, or
 * a return that goes on unwinding when the unwind came from farther up). The frames above then
 * run normally again, so a `catch` around the operation can take its error and carry on.
 */
export abstract class FrameScope extends PlainScope implements UnwindTarget {
  /** Set once the frame is leaving the scope: an unwind to the frame then has nothing to do. */
  private exiting = false;

  constructor(
    protected readonly task: TaskImpl,
    /** The operation's generator frame, where the unwind stops (set when it exists). */
    readonly frame: object | undefined,
  ) {
    super(task.scope);
  }

  /** Make the task's body return up to this scope's frame. */
  protected unwindToFrame(): void {
    if (!this.exiting) this.task.unwind(this);
  }

  /** Record a failure to report when the scope ends (the first wins; see each subclass). */
  protected abstract fail(error: unknown): void;

  /** Resume the frame with the scope's outcome, once its children have ended. */
  protected abstract resumeWithOutcome(task: TaskImpl, epoch: number): void;

  /** Internal. Leave the scope: halt what it still runs, then resume the frame. */
  exit(): Operation<unknown> {
    return new ExitFrameScope(this);
  }

  /** Internal. Called by `exit()`'s instruction. */
  leave(task: TaskImpl): void {
    this.exiting = true;
    if (task.scope === this) task.scope = this.parent!;
    if (this.firstChild === undefined) {
      this.closed = true;
      this.resumeWithOutcome(task, task.ticket);
      return;
    }
    task.deferHalts();
    task.leavingScope(this);
    const epoch = task.ticket;
    this.destroyChildren((error, failed) => {
      task.leftScope(this);
      task.allowHalts();
      if (failed) this.fail(error);
      this.resumeWithOutcome(task, epoch);
    });
  }
}

class ExitFrameScope extends InstructionOperation<unknown> {
  constructor(private scope: FrameScope) {
    super();
  }
  enter(task: TaskImpl): void {
    this.scope.leave(task);
  }
}
