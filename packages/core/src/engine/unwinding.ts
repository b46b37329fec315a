import { type Mode, NEXT, RETURN, THROW } from "./instruction.js";

/**
 * Internal. How far an unwind reaches: a scope inside the body tied to a generator frame, where
 * the unwind turns back into normal running (frame-scope.ts), or the whole task.
 */
export interface UnwindTarget {
  readonly depth: number;
  /** The scope's generator frame. */
  readonly frame: object | undefined;
}

/** Internal. The target of an unwind that goes all the way up: the task's body returns. */
export const WHOLE_TASK: UnwindTarget = Object.freeze({ depth: -1, frame: undefined });

/** Internal. An unwind in progress: how far it goes, and the frame it started from. */
interface Unwind {
  target: UnwindTarget;
  base: number;
}

/**
 * Internal. A task's unwinds in progress and, while asynchronous cleanup runs, the generator
 * frames the task drives directly (see frames.ts for how they are found). Both stay
 * `undefined` on a task that is not unwinding.
 */
export interface UnwindState {
  /**
   * The unwinds in progress, outermost first: each goes up to its target, and starts at frame
   * `base` of `frames` (0: the body). One starts above 0 when cleanup that is already running
   * enters a scope whose child then fails.
   */
  unwinds: Unwind[] | undefined;
  /**
   * While asynchronous cleanup runs during an unwind: the generator frames from the body down
   * to the one in cleanup, which the engine then drives directly.
   */
  frames: Iterator<unknown>[] | undefined;
}

/** The target of the innermost unwind in progress. */
export function innermostTarget(state: UnwindState | undefined): UnwindTarget | undefined {
  const unwinds = state?.unwinds;
  return unwinds === undefined ? undefined : unwinds[unwinds.length - 1]!.target;
}

/**
 * Internal. Record a request to unwind as far as `target`. Returns false when asynchronous
 * cleanup already runs and will carry the unwind on when it ends; true when the task must start
 * returning now.
 */
export function addUnwind(state: UnwindState, target: UnwindTarget): boolean {
  const unwinds = state.unwinds;
  const frames = state.frames;
  if (unwinds === undefined) {
    state.unwinds = [{ target, base: 0 }];
    return true;
  }
  // Which unwind in progress does the target belong to? The one whose frames hold it.
  const index =
    target === WHOLE_TASK ? 0 : (frames?.indexOf(target.frame as Iterator<unknown>) ?? -1);
  if (frames === undefined || index >= 0) {
    let k = unwinds.length - 1;
    while (k > 0 && unwinds[k]!.base > index) k--;
    if (target.depth < unwinds[k]!.target.depth) unwinds[k]!.target = target;
    // Already unwinding through asynchronous cleanup: it runs to the end, then goes as far as
    // the widest target asked for.
    return frames === undefined;
  }
  // A scope entered by the cleanup now running, whose child failed: unwind from the frame
  // running now down to that scope, then go back to the cleanup (finishFrame).
  unwinds.push({ target, base: frames.length });
  return true;
}

/**
 * Internal. A return delivered to `iterator` stopped in a `finally` that yielded: keep the
 * frames from the body down to it (`chain`, from frames.ts), so that a later unwind cannot cut
 * that cleanup short, even when it runs in the body's own frame (a chain of one).
 */
export function keepFrames(
  state: UnwindState,
  iterator: Iterator<unknown>,
  chain: Iterator<unknown>[] | undefined,
): void {
  if (chain !== undefined) {
    if (state.frames === undefined) state.frames = chain;
    else for (let i = 1; i < chain.length; i++) state.frames.push(chain[i]!);
  } else if (state.frames === undefined && (innermostTarget(state) ?? WHOLE_TASK) === WHOLE_TASK) {
    // The frames are hidden (frozen intrinsics). Only an unwind of the whole task is known to go
    // on to the body's end; one that stops at a scope hands the body back to normal running,
    // and must not leave it marked as unwinding.
    state.frames = [iterator];
  }
}

/** Internal. {@link finishFrame}: the body's own frame finished; the task's body is done. */
export const BODY_DONE = -1;

/**
 * Internal. The frame being driven finished (`ok`: it returned; else it threw). Pops it and says
 * how to resume the frame above: `BODY_DONE` when there is none, `RETURN` when that frame is
 * still unwinding (it gets the return directly, as it would if the cleanup below it had been
 * synchronous), else `NEXT` or `THROW` with the outcome.
 *
 * An error thrown by cleanup during a halt of the whole task gets `RETURN` too: it fails the
 * task (first failure first) and the frames above go on returning, so that no `catch` on the
 * way can take the error for the end of the halt and carry on (retry() and supervise() would
 * start over, and the halt never end). The caller records that error.
 */
export function finishFrame(
  state: UnwindState,
  ok: boolean,
  halted: boolean,
): Mode | typeof BODY_DONE {
  const frames = state.frames;
  if (frames === undefined || frames.length === 1) {
    state.frames = state.unwinds = undefined;
    return BODY_DONE;
  }
  const unwinds = state.unwinds!;
  const { target, base } = unwinds[unwinds.length - 1]!;
  const targetIndex =
    target === WHOLE_TASK ? base : frames.indexOf(target.frame as Iterator<unknown>);
  frames.pop();
  if (targetIndex >= 0 && frames.length - 1 >= targetIndex) {
    if (ok || (halted && target === WHOLE_TASK)) return RETURN;
    return THROW;
  }
  // Above the scope that asked for this unwind the frames run normally again: resume from the
  // frame where the unwind started (the body, or the cleanup that entered the scope), and the
  // scope's error reaches the frames below it through their own `yield*`.
  unwinds.pop();
  if (base === 0) state.frames = state.unwinds = undefined;
  else frames.length = base;
  return ok ? NEXT : THROW;
}
