import { MissingContextError, ScopeClosedError } from "../errors.js";
import type { Decoratable } from "../experimental/create-api.js";
import { InvalidApiError } from "../experimental/invalid-api-error.js";
import { suppress } from "../suppressed.js";
import type { Api, Around, Context, Future, Operation, Scope, Task } from "../types.js";
import { InstructionOperation, NEXT } from "./instruction.js";
import { scheduler } from "./scheduler.js";
import type { TaskImpl } from "./task.js";

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

/** Internal. The flag bit of a closed scope; tasks pack their own flags beside it. */
export const CLOSED = 1;
/**
 * Internal. The flag bit of a scope that sees `api.Scope` middleware (on it or an ancestor):
 * its children are made, and its contexts written, through that API. Inherited at creation and
 * set on a whole subtree when middleware is installed, so a scope without it pays one bit test.
 */
export const OBSERVED = 128;
/**
 * Middleware of some `createApi()` API is installed on this scope or one above it: without it,
 * an API's operations call their core at once, with no walk up the scopes.
 */
export const DECORATED = 256;

/** Internal. How the engine calls `api.Scope` (experimental/api.ts): its `invoke`. */
export interface ScopeHook {
  invoke(scope: Scope, key: "create" | "set" | "delete", args: unknown[]): unknown;
}

/** The key, among a scope's context values, of the {@link ScopeHook} installed there. */
const SCOPE_HOOK = "@skein/api.Scope";

/**
 * Internal. A node of the scope tree: owns child tasks (a linked list in creation order) and
 * context values. Tasks extend it (task.ts); every other scope is a `PlainScope` (the global
 * scope, `createScope()`, and the scopes a body opens: trap-scope.ts, task-group.ts).
 */
export abstract class ScopeNode implements Scope {
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
    this.flags = parent === undefined ? 0 : parent.flags & (OBSERVED | DECORATED);
    this.destruction = undefined;
  }

  /** Internal. Whether `api.Scope` middleware sees this scope's children and contexts. */
  get underScopeApi(): boolean {
    return (this.flags & OBSERVED) !== 0;
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
    if ((this.flags & OBSERVED) !== 0) return this.createObserved(operation, resource);
    return this.newTask(operation, resource);
  }

  /** Make a child task through `api.Scope.create` middleware, which may surround, not replace. */
  private createObserved<T>(operation: () => Operation<T>, resource: boolean): TaskImpl<T> {
    return this.observeCreate(() => {
      const task = this.newTask(operation, resource);
      return [task, () => task.halt()];
    }) as TaskImpl<T>;
  }

  /**
   * Internal. Run `build`, which makes a child of this scope, through `api.Scope.create`
   * middleware (`invoke(this, "create", [this, build])`, whose core calls `build`), and return
   * the child. The middleware must return what `build` made.
   */
  observeCreate<S extends Scope>(build: () => [S, () => Future<void>]): S {
    let made: [S, () => Future<void>] | undefined;
    const once = () => {
      made ??= build();
      return made;
    };
    const returned = this.scopeHook().invoke(this, "create", [this, once]);
    if (made === undefined || !Array.isArray(returned) || returned[0] !== made[0]) {
      throw new InvalidApiError(
        "api.Scope.create middleware must return the [scope, destroy] that next() returned",
        returned,
      );
    }
    return made[0];
  }

  /** The `api.Scope` hook installed nearest above (only called on an OBSERVED scope). */
  private scopeHook(): ScopeHook {
    for (let s: ScopeNode | undefined = this; s !== undefined; s = s.parent) {
      const hook = s.contexts?.get(SCOPE_HOOK);
      if (hook !== undefined) return hook as ScopeHook;
    }
    throw new Error("an observed scope has no api.Scope hook above it");
  }

  /**
   * Internal. From now on, make this scope's and its descendants' children, and write their
   * contexts, through `hook` (called when `api.Scope` middleware is installed here).
   */
  observeWith(hook: ScopeHook): void {
    this.contexts ??= new Map();
    this.contexts.set(SCOPE_HOOK, hook);
    this.markObserved();
  }

  /** Internal. Set OBSERVED on this scope and every scope below it. */
  markObserved(): void {
    this.mark(OBSERVED);
  }

  /** Internal. Whether some API's middleware is installed here or above (see DECORATED). */
  get decorated(): boolean {
    return (this.flags & DECORATED) !== 0;
  }

  /** Internal. Set DECORATED on this scope and every scope below it (an API's `decorate`). */
  markDecorated(): void {
    if ((this.flags & DECORATED) === 0) this.mark(DECORATED);
  }

  /** Internal. Set `bit` on this scope and every scope below it. */
  mark(bit: number): void {
    this.flags |= bit;
    for (let child = this.firstChild; child !== undefined; child = child.nextSibling) {
      if (child instanceof ScopeNode) child.mark(bit);
    }
  }

  /** Internal. Construct a child task (task.ts gives the constructor, which extends this class). */
  protected abstract newTask<T>(operation: () => Operation<T>, resource: boolean): TaskImpl<T>;

  get<T>(context: Context<T>): T | undefined {
    for (let s: ScopeNode | undefined = this; s !== undefined; s = s.parent) {
      const own = s.contexts;
      if (own?.has(context.name)) return (own.get(context.name) as T) ?? context.defaultValue;
    }
    return context.defaultValue;
  }

  set<T>(context: Context<T>, value: T): T {
    if ((this.flags & OBSERVED) !== 0) {
      return this.scopeHook().invoke(this, "set", [this, context, value]) as T;
    }
    return this.setOwn(context, value);
  }

  /** Internal. `set` without `api.Scope` middleware: what its core does. */
  setOwn<T>(context: Context<T>, value: T): T {
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
    if ((this.flags & OBSERVED) !== 0) {
      return this.scopeHook().invoke(this, "delete", [this, context]) as boolean;
    }
    return this.deleteOwn(context);
  }

  /** Internal. `delete` without `api.Scope` middleware: what its core does. */
  deleteOwn<T>(context: Context<T>): boolean {
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
    if (child.outcome !== OUTCOME_ERR) return;
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
