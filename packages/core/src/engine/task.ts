import { HaltError, MissingContextError, ScopeClosedError } from "../errors.js";
import type { Decoratable } from "../experimental/create-api.js";
import { InvalidApiError } from "../experimental/invalid-api-error.js";
import { suppress } from "../suppressed.js";
import type { Api, Around, Context, Future, Operation, Scope, Task } from "../types.js";
import { returnThrough } from "./frames.js";
import { type Instruction, InstructionOperation } from "./instruction.js";
import { generatorNext, isNativeGenerator } from "./native-generator.js";
import type { PromiseWait } from "./promise-wait.js";
import { scheduler } from "./scheduler.js";

/** Internal. How a task resumes: with a value, with an error thrown in, or by returning. */
export const NEXT = 0;
export const THROW = 1;
export const RETURN = 2;
export type Mode = typeof NEXT | typeof THROW | typeof RETURN;

// Task states, in order (exported for inspect.ts, which reads them).
const IDLE = 0; // created and queued, first step not taken
const RUNNING = 1; // inside the generator or an instruction's enter()
/** Internal. Waiting for an instruction to resume it. */
export const SUSPENDED = 2;
const READY = 3; // resumed and queued
/** Internal. The body has finished; its children are being halted. */
export const UNWOUND = 4;
const SETTLED = 5; // outcome known and delivered

// Flags: booleans packed into one field, so a task stays small.
const CLOSED = 1;
const RESOLVED = 2; // the instruction being entered resolved synchronously
const PENDING_RETURN = 4; // unwind at the next opportunity
const HALTED = 8; // halt was requested: a clean finish counts as halted
const RAISED = 16; // a child failed: the task fails with that error
const RESOURCE = 32; // scheduled in its owner's tier
const NATIVE = 64; // the body is a native generator object, driven with generatorNext

// Outcomes.
const OK = 0;
const ERR = 1;
const HALTED_OUTCOME = 2;

/**
 * Internal. How far an unwind reaches: a trap scope (its generator frame turns the unwind back
 * into an exception for the frames above it) or the whole task.
 */
export interface UnwindTarget {
  readonly depth: number;
  /** The trap's generator frame. */
  readonly frame: object | undefined;
}

const WHOLE_TASK: UnwindTarget = { depth: -1, frame: undefined };

/** Internal. An unwind in progress: how far it goes, and the frame it started from. */
interface Unwind {
  target: UnwindTarget;
  base: number;
}

/** Internal. Undo work of the instruction a task is suspended on. */
export type Teardown = (() => void) | { cancel(): void };

/** Internal. Told when a task (or owned scope) settles. */
export interface Waiter {
  settled(child: ChildNode): void;
}

/** Internal. What a scope owns and halts when it ends: tasks and scopes made by createScope(). */
export interface ChildNode {
  prevSibling: ChildNode | undefined;
  nextSibling: ChildNode | undefined;
  /** Whether the outcome is known. */
  readonly done: boolean;
  /** OK, ERR or HALTED once done. */
  outcome: number;
  result: unknown;
  /** Start halting; `done` tells when it has ended. */
  requestHalt(): void;
  /** Start halting, and get a future of the end. */
  halt(): PromiseLike<void>;
  addWaiter(waiter: Waiter): void;
}

/** Internal. Outcome codes. */
export const OUTCOME_OK = 0;
export const OUTCOME_ERR = 1;
export const OUTCOME_HALTED = 2;

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
 * Internal. A node of the scope tree: owns child tasks (a linked list in creation order) and
 * context values. Plain scopes come from `createScope()`; tasks and `scoped()` extend it.
 */
export class ScopeNode implements Scope {
  // `declare`d and assigned in the constructor, for the reason given in instruction.ts.
  declare readonly parent: ScopeNode | undefined;
  declare readonly depth: number;
  declare firstChild: ChildNode | undefined;
  declare lastChild: ChildNode | undefined;
  private declare contexts: Map<string, unknown> | undefined;
  /** Bit flags: CLOSED here; tasks keep their own states beside it. */
  protected declare flags: number;
  /** Set while this scope halts its children one by one. */
  private declare destruction: Destruction | undefined;

  constructor(parent: ScopeNode | undefined) {
    this.parent = parent;
    this.depth = parent === undefined ? 0 : parent.depth + 1;
    this.firstChild = undefined;
    this.lastChild = undefined;
    this.contexts = undefined;
    this.flags = 0;
    this.destruction = undefined;
  }

  /** No new tasks once the scope has started to end. */
  get closed(): boolean {
    return (this.flags & CLOSED) !== 0;
  }

  set closed(closed: boolean) {
    this.flags = closed ? this.flags | CLOSED : this.flags & ~CLOSED;
  }

  /**
   * A child failed on its own. Plain scopes leave the error to whoever awaits the task; when
   * nobody does, it surfaces as an unhandled promise rejection.
   */
  raise(_error: unknown, child?: TaskImpl): void {
    child?.surfaceIfUnobserved();
  }

  run<T>(operation: () => Operation<T>): Task<T> {
    const task = this.create(operation, false);
    scheduler.schedule(task);
    return task;
  }

  spawn<T>(operation: () => Operation<T>): Operation<Task<T>> {
    return new SpawnIn(this, operation);
  }

  /** Internal. Make a child task (not yet scheduled). */
  create<T>(operation: () => Operation<T>, resource: boolean): TaskImpl<T> {
    if (this.closed) {
      throw new ScopeClosedError();
    }
    return new TaskImpl<T>(this, operation, resource);
  }

  get<T>(context: Context<T>): T | undefined {
    for (let s: ScopeNode | undefined = this; s !== undefined; s = s.parent) {
      const own = s.contexts;
      if (own?.has(context.name)) return (own.get(context.name) as T) ?? context.defaultValue;
    }
    return context.defaultValue;
  }

  set<T>(context: Context<T>, value: T): T {
    this.contexts ??= new Map();
    this.contexts.set(context.name, value);
    return value;
  }

  expect<T>(context: Context<T>): T {
    const value = this.get(context);
    if (value === undefined) throw new MissingContextError(context.name);
    return value;
  }

  delete<T>(context: Context<T>): boolean {
    return this.contexts?.delete(context.name) ?? false;
  }

  hasOwn<T>(context: Context<T>): boolean {
    return this.contexts?.has(context.name) ?? false;
  }

  around<A>(api: Api<A>, middlewares: Partial<Around<A>>, options?: { at: "min" | "max" }): void {
    const target = api as Partial<Decoratable<A>>;
    if (typeof target.decorate !== "function") {
      throw new InvalidApiError("scope.around(api, ...): api must be made by createApi()", api);
    }
    target.decorate(this, middlewares, options);
  }

  /** Internal. Append a child. */
  adopt(task: ChildNode): void {
    const last = this.lastChild;
    task.prevSibling = last;
    if (last === undefined) this.firstChild = task;
    else last.nextSibling = task;
    this.lastChild = task;
  }

  /** Internal. Remove a settled child. */
  release(task: ChildNode): void {
    const { prevSibling, nextSibling } = task;
    if (prevSibling === undefined) this.firstChild = nextSibling;
    else prevSibling.nextSibling = nextSibling;
    if (nextSibling === undefined) this.lastChild = prevSibling;
    else nextSibling.prevSibling = prevSibling;
    task.prevSibling = task.nextSibling = undefined;
  }

  /**
   * Internal. Close the scope and halt its children, most recent first, each one's cleanup
   * finishing before the next is halted. `done` gets the first error a cleanup threw.
   */
  destroyChildren(done: (error: unknown, failed: boolean) => void): void {
    this.closed = true;
    this.destruction = { done, error: undefined, failed: false };
    this.haltNextChild();
  }

  /** Internal. Halt children until one must be waited for, or finish the destruction. */
  haltNextChild(): void {
    for (;;) {
      const child = this.lastChild;
      if (child === undefined) {
        const { done, error, failed } = this.destruction!;
        this.destruction = undefined;
        done(error, failed);
        return;
      }
      child.requestHalt();
      if (!child.done) {
        child.addWaiter(this);
        return;
      }
      this.noteChildOutcome(child);
    }
  }

  private noteChildOutcome(child: ChildNode): void {
    const destruction = this.destruction!;
    if (child.outcome !== ERR) return;
    if (!destruction.failed) {
      destruction.failed = true;
      destruction.error = child.result;
    } else suppress(destruction.error, child.result);
  }

  /** Internal. A child this scope was waiting on during `destroy` has settled. */
  settled(child: ChildNode): void {
    this.noteChildOutcome(child);
    scheduler.continueDestruction(this);
  }
}

interface Destruction {
  done: (error: unknown, failed: boolean) => void;
  error: unknown;
  failed: boolean;
}

/** Internal. What few tasks need: kept off the hot path so a task stays small. */
interface TaskExtras {
  name: string | undefined;
  waiters: Waiter[] | undefined;
  promise: Promise<unknown> | undefined;
  resolvePromise: ((value: unknown) => void) | undefined;
  rejectPromise: ((error: unknown) => void) | undefined;
  raisedError: unknown;
  provideTo: TaskImpl | undefined;
  provideEpoch: number;
  promiseWait: PromiseWait | undefined;
  /**
   * The unwinds in progress, outermost first: each goes up to its target, and starts at frame
   * `base` of `frames` (0: the body). One starts above 0 when cleanup that is already running
   * enters a trap scope whose child then fails.
   */
  unwinds: Unwind[] | undefined;
  /**
   * While asynchronous cleanup runs during an unwind: the generator frames from the body down
   * to the one in cleanup, which the engine then drives directly (see frames.ts).
   */
  frames: Iterator<unknown>[] | undefined;
  /** `task.halt`, bound to the task the first time it is read. */
  halt: (() => Future<void>) | undefined;
}

class SpawnIn<T> extends InstructionOperation<Task<T>> {
  constructor(
    private scope: ScopeNode,
    private operation: () => Operation<T>,
  ) {
    super();
  }
  enter(task: TaskImpl): void {
    task.resume(NEXT, this.scope.run(this.operation));
  }
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
    const task = new TaskImpl(new ScopeNode(undefined), dormantBody, false);
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
  /** Changes every time the task yields; async resolutions check it to drop stale results. */
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
    if (resource) this.flags = RESOURCE;
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
      provideTo: undefined,
      provideEpoch: 0,
      promiseWait: undefined,
      unwinds: undefined,
      frames: undefined,
      halt: undefined,
    };
    return this.extras;
  }

  /** For a resource still starting: the task waiting for `provide()`. */
  get provideTo(): TaskImpl | undefined {
    return this.extras?.provideTo;
  }

  set provideTo(task: TaskImpl | undefined) {
    if (task !== undefined || this.extras !== undefined) this.more().provideTo = task;
  }

  get provideEpoch(): number {
    return this.extras?.provideEpoch ?? 0;
  }

  set provideEpoch(epoch: number) {
    this.more().provideEpoch = epoch;
  }

  /** Reusable promise handlers for `until()`. */
  get promiseWait(): PromiseWait | undefined {
    return this.extras?.promiseWait;
  }

  set promiseWait(wait: PromiseWait | undefined) {
    if (wait !== undefined || this.extras !== undefined) this.more().promiseWait = wait;
  }

  /** The target of the innermost unwind in progress. */
  private get unwindTarget(): UnwindTarget | undefined {
    const unwinds = this.extras?.unwinds;
    return unwinds === undefined ? undefined : unwinds[unwinds.length - 1]!.target;
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
    const extras = this.more();
    const unwinds = extras.unwinds;
    const frames = extras.frames;
    if (unwinds === undefined) {
      extras.unwinds = [{ target, base: 0 }];
    } else {
      // Which unwind in progress does the target belong to? The one whose frames hold it.
      const index =
        target === WHOLE_TASK ? 0 : (frames?.indexOf(target.frame as Iterator<unknown>) ?? -1);
      if (frames === undefined || index >= 0) {
        let k = unwinds.length - 1;
        while (k > 0 && unwinds[k]!.base > index) k--;
        if (target.depth < unwinds[k]!.target.depth) unwinds[k]!.target = target;
        // Already unwinding through asynchronous cleanup: it runs to the end, then goes as
        // far as the widest target asked for.
        if (frames !== undefined) return;
      } else {
        // A trap entered by the cleanup now running, whose child failed: unwind from the frame
        // running now down to that trap, then go back to the cleanup (frameFinished).
        unwinds.push({ target, base: frames.length });
      }
    }
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
    if (!result.done) {
      // Asynchronous cleanup started, and a later unwind must not cut it short, even when it
      // runs in the body's own frame (a chain of one).
      const extras = this.more();
      if (chain !== undefined) {
        if (extras.frames === undefined) extras.frames = chain;
        else for (let i = 1; i < chain.length; i++) extras.frames.push(chain[i]!);
      } else if (extras.frames === undefined && (this.unwindTarget ?? WHOLE_TASK) === WHOLE_TASK) {
        // The frames are hidden (frozen intrinsics). Only an unwind of the whole task is known
        // to go on to the body's end; one that stops at a trap hands the body back to normal
        // running, and must not leave it marked as unwinding.
        extras.frames = [iterator];
      }
    }
    return result as IteratorResult<Instruction, T>;
  }

  /**
   * The frame being driven finished (`ok`: returned `value`; else threw it). Returns true when
   * the outcome was handed to the frame above, whose step the loop takes next.
   */
  private frameFinished(ok: boolean, value: unknown): boolean {
    const extras = this.extras;
    const frames = extras?.frames;
    if (frames === undefined || frames.length === 1) {
      if (extras !== undefined) extras.frames = extras.unwinds = undefined;
      this.finishBody(ok, value);
      return false;
    }
    const unwinds = (extras as TaskExtras).unwinds!;
    const { target, base } = unwinds[unwinds.length - 1]!;
    const targetIndex =
      target === WHOLE_TASK ? base : frames.indexOf(target.frame as Iterator<unknown>);
    frames.pop();
    if (targetIndex >= 0 && frames.length - 1 >= targetIndex) {
      // The frame above is still unwinding: it gets the return (or the error) directly, as it
      // would if the cleanup below it had been synchronous. Except in a halt: an error thrown
      // by cleanup then fails the task (first failure first) and the frames above go on
      // returning, so no `catch` on the way can take the error for the end of the halt and
      // carry on (retry() and supervise() would start over, and the halt never end).
      if (ok || ((this.flags & HALTED) !== 0 && target === WHOLE_TASK)) {
        if (!ok) this.failWith(value);
        this.mode = RETURN;
        this.value = ok ? value : undefined;
        return true;
      }
      this.mode = THROW;
    } else {
      // Above the trap that asked for this unwind the frames run normally again: resume from
      // the frame where the unwind started (the body, or the cleanup that entered the trap),
      // and the trap's error reaches the frames below it through their own `yield*`.
      unwinds.pop();
      if (base === 0) extras!.frames = extras!.unwinds = undefined;
      else frames.length = base;
      this.mode = ok ? NEXT : THROW;
    }
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
    const provideTo = this.provideTo;
    if (provideTo !== undefined) {
      // A resource that ended before providing: its caller gets the error (or learns it ended).
      this.provideTo = undefined;
      provideTo.resumeAt(
        this.provideEpoch,
        THROW,
        this.outcome === ERR ? this.result : new Error("resource ended without providing a value"),
      );
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
}

/** Internal. `yield* task`: wait for a task and take on its outcome. */
class Join<T> extends InstructionOperation<T> implements Waiter {
  private waiting: TaskImpl | undefined = undefined;
  private epoch = 0;
  constructor(private task: TaskImpl<T>) {
    super();
  }
  enter(waiting: TaskImpl): void {
    if (this.task.state === SETTLED) {
      this.task.observed();
      this.task.deliverTo(waiting, waiting.epoch);
      return;
    }
    this.waiting = waiting;
    this.epoch = waiting.epoch;
    this.task.addWaiter(this);
    waiting.teardown = this;
  }
  settled(): void {
    const waiting = this.waiting;
    if (waiting === undefined) return;
    this.waiting = undefined;
    this.task.deliverTo(waiting, this.epoch);
  }
  cancel(): void {
    if (this.waiting === undefined) return;
    this.waiting = undefined;
    this.task.removeWaiter(this);
  }
  /** For inspection: the task it waits for. */
  describeWait(): string {
    return `task ${this.task.name ?? "(unnamed)"}`;
  }
}

/**
 * Internal. `task.halt()`: awaitable and yieldable; fails only if halting the task made it
 * fail (its cleanup threw).
 */
class HaltFuture implements Future<void> {
  constructor(private task: TaskImpl) {}

  private failed(): boolean {
    return this.task.outcome === ERR && this.task.halted;
  }

  // biome-ignore lint/suspicious/noThenProperty: a future is a promise by design
  then<R1 = void, R2 = never>(
    onfulfilled?: ((value: void) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.task
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        if (this.failed()) throw this.task.result;
      })
      .then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: any) => R | PromiseLike<R>) | null): Promise<void | R> {
    return this.then(undefined, onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<void> {
    return this.then().finally(onfinally);
  }

  get [Symbol.toStringTag](): string {
    return "Future";
  }

  *[Symbol.iterator](): Generator<Instruction, void, unknown> {
    try {
      yield* this.task;
    } catch (error) {
      if (this.failed()) throw error;
    }
  }
}
