import { HaltError } from "../errors.js";
import { suppress } from "../suppressed.js";
import type { Future, Operation, Task } from "../types.js";
import { returnThrough } from "./frames.js";
import { type Instruction, type Mode, NEXT, RETURN, THROW } from "./instruction.js";
import { HaltFuture, Join } from "./join.js";
import { generatorNext, isNativeGenerator } from "./native-generator.js";
import type { PromiseWait } from "./promise-wait.js";
import { scheduler } from "./scheduler.js";
import { type ChildNode, CLOSED, ScopeNode, type Waiter } from "./scope-node.js";
import {
  addUnwind,
  BODY_DONE,
  finishFrame,
  keepFrames,
  type UnwindState,
  type UnwindTarget,
  WHOLE_TASK,
} from "./unwinding.js";

// For branches written before task.ts was split; new code imports these from their modules.
export { type Mode, NEXT, RETURN, THROW } from "./instruction.js";
export {
  type ChildNode,
  OUTCOME_ERR,
  OUTCOME_HALTED,
  OUTCOME_OK,
  ScopeNode,
  type Waiter,
} from "./scope-node.js";
export type { UnwindTarget } from "./unwinding.js";

/*
 * The task state machine. A task is created IDLE and queued; its steps run the body (RUNNING)
 * until it waits on an instruction (SUSPENDED) and is resumed (READY, queued again). When the
 * body is done it halts its children (UNWOUND) and then settles (SETTLED). Halts and child
 * failures make the body return at its next step (unwind(), with unwinding.ts for the frames
 * of asynchronous cleanup); the outcome reaches waiters through join.ts.
 */

// Task states, in order (exported for inspect.ts, which reads them).
const IDLE = 0; // created and queued, first step not taken
const RUNNING = 1; // inside the generator or an instruction's enter()
/** Internal. Waiting for an instruction to resume it. */
export const SUSPENDED = 2;
const READY = 3; // resumed and queued
/** Internal. The body has finished; its children are being halted. */
export const UNWOUND = 4;
const SETTLED = 5; // outcome known and delivered

// Flags: booleans packed into one field, so a task stays small (CLOSED, 1, and OBSERVED, 128,
// are the scope's: scope-node.ts).
const RESOLVED = 2; // the instruction being entered resolved synchronously
const PENDING_RETURN = 4; // unwind at the next opportunity
const HALTED = 8; // halt was requested: a clean finish counts as halted
const RAISED = 16; // a child failed: the task fails with that error
const RESOURCE = 32; // scheduled in its owner's tier
const NATIVE = 64; // the body is a native generator object, driven with generatorNext

// Outcomes (the OUTCOME_ codes of scope-node.ts).
const OK = 0;
const ERR = 1;
const HALTED_OUTCOME = 2;

/** Internal. Undo work of the instruction a task is suspended on. */
export type Teardown = (() => void) | { cancel(): void };

/**
 * Internal. Told, instead of the owner, when a task that is still starting ends: a resource
 * before it provides its value (resource.ts), whose caller then gets the failure.
 */
export interface StartWatcher {
  ended(task: TaskImpl): void;
}

function runTeardown(teardown: Teardown): void {
  if (typeof teardown === "function") teardown();
  else teardown.cancel();
}

function ignore(): void {}

/**
 * Internal. Whether `task` ended because it was halted (not because its body threw a
 * `HaltError` of some other task's).
 */
export function haltedItself(task: Task<unknown>): boolean {
  return (task as TaskImpl).outcome === HALTED_OUTCOME;
}

/** The operation of {@link TaskImpl.dormant}, which is never started. */
function dormantBody(): Operation<never> {
  throw new Error("the dormant task never runs");
}

/**
 * Internal. A scope that is not a task: the global scope, `createScope()`, and the scopes a
 * body opens (trap-scope.ts, task-group.ts).
 */
export class PlainScope extends ScopeNode {
  protected newTask<T>(operation: () => Operation<T>, resource: boolean): TaskImpl<T> {
    return new TaskImpl<T>(this, operation, resource);
  }
}

/** Internal. What few tasks need: kept off the hot path so a task stays small. */
interface TaskExtras extends UnwindState {
  name: string | undefined;
  waiters: Waiter[] | undefined;
  promise: Promise<unknown> | undefined;
  resolvePromise: ((value: unknown) => void) | undefined;
  rejectPromise: ((error: unknown) => void) | undefined;
  raisedError: unknown;
  starting: StartWatcher | undefined;
  promiseWait: PromiseWait | undefined;
  /** What `waitingFor()` says the task waits on (waiting-for.ts owns its type). */
  waitLabel: unknown;
  /** `task.halt`, bound to the task the first time it is read. */
  halt: (() => Future<void>) | undefined;
  /**
   * Scopes of `scoped()`, `all()` or `race()` whose body has ended and which are halting their
   * children, innermost last: off `scope`'s chain already, and shown by `inspect()` from here.
   */
  leaving: ScopeNode[] | undefined;
}

/**
 * Internal. A task: a scope that drives one generator. Its body runs as a loop of steps; each
 * step resumes the generator and carries out the instruction it yields. When the body is done
 * (returned, threw or was halted) the task halts its children and then settles.
 */
export class TaskImpl<T = unknown> extends ScopeNode implements Task<T>, Waiter, ChildNode {
  /**
   * Internal. A task that never runs, kept while the engine is loaded. V8 keeps the hidden
   * class (map) a constructor gives its instances only while some instance has it: when no
   * task is alive at a full collection (between two `run()` calls from plain code, a test
   * suite, a benchmark that collects between samples), the map is freed, every optimized
   * engine function that checks for it is thrown away, and the next run starts cold. It has
   * the extras a task may grow, for their object's hidden class; the engine's other per-task
   * objects (`PromiseWait`, `until()`'s operation) keep one each too.
   */
  static readonly dormant: TaskImpl = TaskImpl.makeDormant();

  /** The dormant task, with the extras a task may grow (their object's hidden class too). */
  private static makeDormant(): TaskImpl {
    const task = new TaskImpl(new PlainScope(undefined), dormantBody, false);
    task.more();
    return task;
  }
  prevSibling: ChildNode | undefined;
  nextSibling: ChildNode | undefined;
  /** The scope that `spawn` and contexts use right now; `scoped()` swaps it. */
  scope: ScopeNode;
  /** The scheduler's clock at creation (a small integer, so no heap number per task). */
  private born: number;
  state: number;
  /**
   * Changes every time the task yields; async resolutions check it to drop stale results.
   * Engine only, as are `teardown` and `critical`: instructions use `suspend()`, `ticket`,
   * `resumeAt()` and `deferHalts()`.
   */
  epoch: number;
  teardown: Teardown | undefined;
  /** Instructions during which a halt must wait (a scope tearing down its children). */
  critical: number;
  /** The operation function until the first step, then the iterator. */
  private body: (() => Operation<T>) | Iterator<Instruction, T, unknown> | undefined;
  private mode: Mode;
  private value: unknown;
  outcome: number;
  result: unknown;
  private waiter: Waiter | undefined;
  private extras: TaskExtras | undefined;

  constructor(owner: ScopeNode, operation: () => Operation<T>, resource: boolean) {
    super(owner);
    if (resource) this.flags |= RESOURCE;
    this.prevSibling = undefined;
    this.nextSibling = undefined;
    this.scope = this;
    this.born = scheduler.clock();
    this.state = IDLE;
    this.epoch = 0;
    this.teardown = undefined;
    this.critical = 0;
    this.body = operation;
    this.mode = NEXT;
    this.value = undefined;
    this.outcome = OK;
    this.result = undefined;
    this.waiter = undefined;
    this.extras = undefined;
    owner.adopt(this);
  }

  protected newTask<U>(operation: () => Operation<U>, resource: boolean): TaskImpl<U> {
    return new TaskImpl<U>(this, operation, resource);
  }

  /** The scopes the body has open (`scoped()`, `all()`, groups) are below the task too. */
  override mark(bit: number): void {
    super.mark(bit);
    for (let s = this.scope; s !== this; s = s.parent!) s.mark(bit);
  }

  /** Scheduling tier: the scope depth, or the owner's depth for resources (they start first). */
  get priority(): number {
    return (this.flags & RESOURCE) === 0 ? this.depth : this.depth - 1;
  }

  /** Epoch milliseconds at creation, for inspection (as precise as a scheduler slice). */
  get createdAt(): number {
    return scheduler.epochMs(this.born);
  }

  /** Halt was requested: a clean finish counts as halted. */
  get halted(): boolean {
    return (this.flags & HALTED) !== 0;
  }

  /** The scope that owns this task. */
  get owner(): ScopeNode {
    return this.parent!;
  }

  private more(): TaskExtras {
    this.extras ??= {
      name: undefined,
      waiters: undefined,
      promise: undefined,
      resolvePromise: undefined,
      rejectPromise: undefined,
      raisedError: undefined,
      starting: undefined,
      promiseWait: undefined,
      waitLabel: undefined,
      unwinds: undefined,
      frames: undefined,
      halt: undefined,
      leaving: undefined,
    };
    return this.extras;
  }

  /** Internal. For a task still starting (a resource): who takes its end instead of the owner. */
  get starting(): StartWatcher | undefined {
    return this.extras?.starting;
  }

  set starting(watcher: StartWatcher | undefined) {
    if (watcher !== undefined || this.extras !== undefined) this.more().starting = watcher;
  }

  /** Reusable promise handlers for `until()`. */
  get promiseWait(): PromiseWait | undefined {
    return this.extras?.promiseWait;
  }

  set promiseWait(wait: PromiseWait | undefined) {
    if (wait !== undefined || this.extras !== undefined) this.more().promiseWait = wait;
  }

  /** Internal. What `waitingFor()` says the task waits on, or undefined (waiting-for.ts). */
  get waitLabel(): unknown {
    return this.extras?.waitLabel;
  }

  set waitLabel(label: unknown) {
    if (label !== undefined || this.extras !== undefined) this.more().waitLabel = label;
  }

  /** Optional label for inspection. */
  get name(): string | undefined {
    return this.extras?.name;
  }

  set name(name: string | undefined) {
    this.more().name = name;
  }

  /** Internal. Fail the task with `error` when its body is done (or attach it to the first). */
  private failWith(error: unknown): void {
    if ((this.flags & RAISED) === 0) {
      this.flags |= RAISED;
      this.more().raisedError = error;
    } else suppress(this.extras!.raisedError, error);
  }

  override raise(error: unknown): void {
    if (this.state === UNWOUND || this.state === SETTLED) {
      if (this.outcome !== ERR) {
        this.outcome = ERR;
        this.result = error;
      } else suppress(this.result, error);
      return;
    }
    if ((this.flags & RAISED) === 0) {
      this.flags |= RAISED;
      this.more().raisedError = error;
    } else suppress(this.extras!.raisedError, error);
    this.unwind();
  }

  // The API of instructions (code outside engine/ uses these, not the fields they touch): in
  // `enter(task)` an instruction either calls `resume()` at once, or `suspend()`s the task and
  // later calls `resumeAt()` with the ticket it got.

  /**
   * Internal. Suspend the task on the instruction it is entering. `teardown` runs when the task
   * moves on (it is resumed, or halted), so the instruction can undo its work. Returns the
   * ticket to resume the task with, through `resumeAt`.
   */
  suspend(teardown: Teardown): number {
    this.teardown = teardown;
    return this.epoch;
  }

  /**
   * Internal. The ticket of the instruction being entered (as `suspend()` returns it), for one
   * that must hand it out before its teardown exists.
   */
  get ticket(): number {
    return this.epoch;
  }

  /** Internal. Scopes this task has left that are still halting their children. */
  get leaving(): readonly ScopeNode[] | undefined {
    return this.extras?.leaving;
  }

  /** Internal. `scope` was left and halts its children until {@link leftScope}. */
  leavingScope(scope: ScopeNode): void {
    const extras = this.more();
    (extras.leaving ??= []).push(scope);
  }

  /** Internal. `scope`, left earlier, has halted its children. */
  leftScope(scope: ScopeNode): void {
    const leaving = this.extras?.leaving;
    const index = leaving === undefined ? -1 : leaving.lastIndexOf(scope);
    if (index >= 0) leaving!.splice(index, 1);
  }

  /** Internal. What the task is suspended on (its teardown), for inspection. */
  get waitingOn(): Teardown | undefined {
    return this.teardown;
  }

  /**
   * Internal. Until `allowHalts()`, a halt of this task (or a child's failure) takes effect only
   * when it is next resumed: its scopes are tearing down children, or it waits for a shield.
   */
  deferHalts(): void {
    this.critical++;
  }

  /** Internal. End one `deferHalts()`. */
  allowHalts(): void {
    this.critical--;
  }

  /** Internal. Resume the task; ignored unless it is waiting (or resolving synchronously). */
  resume(mode: Mode, value: unknown): void {
    const state = this.state;
    if (state === RUNNING) {
      if ((this.flags & RESOLVED) === 0) {
        this.flags |= RESOLVED;
        this.mode = mode;
        this.value = value;
      }
      return;
    }
    if (state !== SUSPENDED) return;
    this.state = READY;
    this.mode = mode;
    this.value = value;
    const teardown = this.teardown;
    if (teardown !== undefined) {
      this.teardown = undefined;
      try {
        runTeardown(teardown);
      } catch (error) {
        this.mode = THROW;
        this.value = error;
      }
    }
    if (this.critical === 0 && (this.flags & PENDING_RETURN) !== 0) {
      this.flags &= ~PENDING_RETURN;
      this.mode = RETURN;
    }
    scheduler.resume(this);
  }

  /** Internal. Resume from a callback: dropped if the task has moved on since `epoch`. */
  resumeAt(epoch: number, mode: Mode, value: unknown): void {
    if (epoch === this.epoch) this.resume(mode, value);
  }

  /**
   * Internal. Make the body return at the next opportunity (its finally blocks run), as far up
   * as `target` (default: the whole task).
   */
  unwind(target: UnwindTarget = WHOLE_TASK): void {
    if (!addUnwind(this.more(), target)) return;
    switch (this.state) {
      case IDLE:
        this.body = undefined;
        this.finishBody(true, undefined);
        return;
      case RUNNING:
        this.flags |= PENDING_RETURN;
        return;
      case SUSPENDED:
        if (this.critical > 0) {
          this.flags |= PENDING_RETURN;
          return;
        }
        this.epoch++;
        this.state = READY;
        this.mode = RETURN;
        this.value = undefined;
        if (this.teardown !== undefined) {
          const teardown = this.teardown;
          this.teardown = undefined;
          try {
            runTeardown(teardown);
          } catch (error) {
            // The halt goes on; the task fails with what its teardown threw.
            if ((this.flags & RAISED) === 0) {
              this.flags |= RAISED;
              this.more().raisedError = error;
            } else suppress(this.extras!.raisedError, error);
          }
        }
        scheduler.schedule(this);
        return;
      case READY:
        if (this.critical > 0) this.flags |= PENDING_RETURN;
        else {
          this.mode = RETURN;
          this.value = undefined;
        }
        return;
    }
  }

  /**
   * Request a halt; the returned future settles when the task has finished its cleanup. Bound
   * to its task, so `run(task.halt)` or `setTimeout(task.halt)` halt this task.
   */
  get halt(): () => Future<void> {
    const extras = this.more();
    if (extras.halt === undefined) {
      extras.halt = () => {
        this.requestHalt();
        return new HaltFuture(this);
      };
    }
    return extras.halt;
  }

  /** Internal. Start halting (the engine's own halts use this, with no future to make). */
  requestHalt(): void {
    if (this.state !== SETTLED && (this.flags & HALTED) === 0) {
      this.flags |= HALTED;
      this.unwind();
    }
  }

  /** Internal. Take steps until the task suspends, finishes, or the slice is used up. */
  step(): void {
    const state = this.state;
    if (state === IDLE) {
      if (!this.start()) return;
    } else if (state !== READY) {
      return;
    }
    for (;;) {
      if ((this.flags & PENDING_RETURN) !== 0 && this.critical === 0) {
        this.flags &= ~PENDING_RETURN;
        this.mode = RETURN;
      }
      this.state = RUNNING;
      const frames = this.extras?.frames;
      const iterator = (frames === undefined ? this.body : frames[frames.length - 1]) as Iterator<
        Instruction,
        T,
        unknown
      >;
      let next: IteratorResult<Instruction, T>;
      try {
        const value = this.value;
        this.value = undefined;
        const mode = this.mode;
        next =
          mode === NEXT
            ? (this.flags & NATIVE) !== 0 && frames === undefined
              ? (generatorNext.call(iterator, value) as IteratorResult<Instruction, T>)
              : iterator.next(value)
            : mode === THROW
              ? iterator.throw!(value)
              : this.returnThrough(iterator, value);
      } catch (error) {
        if (this.frameFinished(false, error)) continue;
        return;
      }
      if (next.done) {
        if (this.frameFinished(true, next.value)) continue;
        return;
      }
      const instruction = next.value;
      this.epoch++;
      this.flags &= ~RESOLVED;
      try {
        instruction.enter(this);
      } catch (error) {
        if ((this.flags & RESOLVED) === 0) {
          this.flags |= RESOLVED;
          this.mode = THROW;
          this.value =
            typeof (instruction as Partial<Instruction> | undefined)?.enter === "function"
              ? error
              : new TypeError(
                  `an operation yielded ${String(instruction)}, which Skein cannot run: use yield* with an operation, not yield`,
                );
        }
      }
      if ((this.flags & RESOLVED) === 0) {
        if ((this.flags & PENDING_RETURN) === 0 || this.critical > 0) {
          this.state = SUSPENDED;
          return;
        }
        // Halted while running (e.g. by itself): unwind now rather than wait on this instruction.
        this.epoch++;
      }
      const teardown = this.teardown;
      if (teardown !== undefined) {
        this.teardown = undefined;
        try {
          runTeardown(teardown);
        } catch (error) {
          this.mode = THROW;
          this.value = error;
        }
      }
      if ((++scheduler.steps & 1023) === 0 && scheduler.sliceExpired()) {
        this.state = READY;
        scheduler.schedule(this);
        scheduler.yieldToEventLoop();
        return;
      }
    }
  }

  /** Call the operation function and keep its iterator; false if it threw (the task is over). */
  private start(): boolean {
    try {
      // Called as a plain function: an operation function is not a method of the task.
      const operation = this.body as () => Operation<T>;
      const made = operation();
      if (isNativeGenerator(made)) {
        this.flags |= NATIVE;
        this.body = made as unknown as Iterator<Instruction, T, unknown>;
      } else {
        this.body = made[Symbol.iterator]();
      }
      return true;
    } catch (error) {
      this.finishBody(false, error);
      return false;
    }
  }

  /** Deliver a return; if a `finally` yields on the way, keep the frames down to it. */
  private returnThrough(
    iterator: Iterator<Instruction, T, unknown>,
    value: unknown,
  ): IteratorResult<Instruction, T> {
    const { result, chain } = returnThrough(iterator, value);
    if (!result.done) keepFrames(this.more(), iterator, chain);
    return result as IteratorResult<Instruction, T>;
  }

  /**
   * The frame being driven finished (`ok`: returned `value`; else threw it). Returns true when
   * the outcome was handed to the frame above, whose step the loop takes next.
   */
  private frameFinished(ok: boolean, value: unknown): boolean {
    const extras = this.extras;
    const mode = extras === undefined ? BODY_DONE : finishFrame(extras, ok, this.halted);
    if (mode === BODY_DONE) {
      this.finishBody(ok, value);
      return false;
    }
    if (mode === RETURN) {
      if (!ok) this.failWith(value);
      this.mode = RETURN;
      this.value = ok ? value : undefined;
      return true;
    }
    this.mode = mode;
    this.value = value;
    return true;
  }

  private finishBody(ok: boolean, value: unknown): void {
    this.state = UNWOUND;
    this.body = undefined;
    this.teardown = undefined;
    if ((this.flags & RAISED) !== 0) {
      // A child's failure unwound the body: it is the first failure, whatever the unwind threw.
      this.outcome = ERR;
      this.result = this.extras!.raisedError;
      if (!ok) suppress(this.result, value);
    } else if (!ok) {
      this.outcome = ERR;
      this.result = value;
    } else {
      this.outcome = OK;
      this.result = value;
    }
    if (this.firstChild === undefined) {
      this.flags |= CLOSED;
      this.settle();
    } else {
      this.destroyChildren((error, failed) => {
        if (failed && this.outcome !== ERR) {
          this.outcome = ERR;
          this.result = error;
        } else if (failed) suppress(this.result, error);
        this.settle();
      });
    }
  }

  private settle(): void {
    if (this.outcome === OK && (this.flags & HALTED) !== 0) {
      this.outcome = HALTED_OUTCOME;
      this.result = undefined;
    }
    this.state = SETTLED;
    this.parent!.release(this);
    const starting = this.starting;
    if (starting !== undefined) {
      this.starting = undefined;
      starting.ended(this);
    } else if (this.outcome === ERR && (this.flags & HALTED) === 0) {
      this.parent!.raise(this.result, this);
    }
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      waiter.settled(this);
    }
    const extras = this.extras;
    if (extras !== undefined) {
      const waiters = extras.waiters;
      if (waiters !== undefined) {
        extras.waiters = undefined;
        for (const w of waiters) w.settled(this);
      }
      if (extras.resolvePromise !== undefined) this.deliverPromise();
    }
  }

  /**
   * Internal. A failure that no task joins and no promise handler awaits must not vanish: make
   * the task's promise, already rejected, so that the runtime reports it as it reports any
   * unhandled rejection (Node's `unhandledRejection`) unless a handler is attached in time.
   */
  surfaceIfUnobserved(): void {
    if (this.waiter !== undefined) return;
    const extras = this.extras;
    if (extras !== undefined && (extras.promise !== undefined || extras.waiters !== undefined)) {
      return;
    }
    void this.getPromise();
  }

  /** Internal. Be told when this task settles. */
  addWaiter(waiter: Waiter): void {
    if (this.waiter === undefined) this.waiter = waiter;
    else (this.more().waiters ??= []).push(waiter);
  }

  /** Internal. Stop being told. */
  removeWaiter(waiter: Waiter): void {
    if (this.waiter === waiter) this.waiter = undefined;
    else {
      const waiters = this.extras?.waiters;
      const i = waiters === undefined ? -1 : waiters.indexOf(waiter);
      if (i >= 0) waiters!.splice(i, 1);
    }
  }

  /** Internal. Whether the outcome is known. */
  get done(): boolean {
    return this.state === SETTLED;
  }

  /** Internal. Hand the outcome to a waiting task: value, error, or HaltError. */
  deliverTo(task: TaskImpl, epoch: number): void {
    if (this.outcome === OK) task.resumeAt(epoch, NEXT, this.result);
    else if (this.outcome === ERR) task.resumeAt(epoch, THROW, this.result);
    else task.resumeAt(epoch, THROW, new HaltError());
  }

  /** Internal. The outcome is taken by a join: a rejected promise made for it is handled. */
  observed(): void {
    const promise = this.extras?.promise;
    if (promise !== undefined && this.outcome === ERR) promise.catch(ignore);
  }

  private deliverPromise(): void {
    const extras = this.extras!;
    if (this.outcome === OK) extras.resolvePromise!(this.result);
    else extras.rejectPromise!(this.outcome === ERR ? this.result : new HaltError());
    extras.resolvePromise = extras.rejectPromise = undefined;
  }

  private getPromise(): Promise<T> {
    const extras = this.more();
    if (extras.promise === undefined) {
      extras.promise = new Promise<unknown>((resolve, reject) => {
        extras.resolvePromise = resolve;
        extras.rejectPromise = reject;
      });
      if (this.state === SETTLED) this.deliverPromise();
    }
    return extras.promise as Promise<T>;
  }

  // biome-ignore lint/suspicious/noThenProperty: a task is a promise by design
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.getPromise().then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: any) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.getPromise().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    return this.getPromise().finally(onfinally);
  }

  get [Symbol.toStringTag](): string {
    return "Task";
  }

  /** `await using`: halt at block exit; for a task that has ended, settles at once. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.halt().then(() => undefined);
  }

  [Symbol.iterator](): Iterator<Instruction, T, unknown> {
    return new Join<T>(this);
  }

  /** Internal. The task failed because halting it made it fail (its cleanup threw). */
  get failedInHalt(): boolean {
    return this.outcome === ERR && (this.flags & HALTED) !== 0;
  }
}
