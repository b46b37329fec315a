import type { Instruction } from "./engine/instruction.js";

/**
 * A description of work that Skein can run. Write one as a generator function; use it with
 * `yield*` inside another operation, or start it with `run()`.
 *
 * @example
 * ```ts
 * import { type Operation, sleep } from "@skein/core";
 *
 * function* greet(name: string): Operation<string> {
 *   yield* sleep(10);
 *   return `hello ${name}`;
 * }
 * ```
 */
export interface Operation<T> {
  [Symbol.iterator](): Iterator<Instruction, T, unknown>;
}

/**
 * A value that is both a promise and an operation: `await` it from async code, or `yield*` it
 * from an operation.
 *
 * @example
 * ```ts
 * import { run, type Future } from "@skein/core";
 *
 * const task: Future<number> = run(function* () { return 1; });
 * console.log(await task);
 * ```
 */
export interface Future<T> extends Promise<T>, Operation<T> {}

/**
 * A handle on a running operation. Await it (or `yield*` it) for its result; `halt()` it to
 * cancel it and wait for its cleanup. A halted task rejects with a `HaltError`. A task is also
 * `AsyncDisposable`: `await using task = run(...)` halts it when the block exits.
 *
 * @example
 * ```ts
 * import { run, suspend } from "@skein/core";
 *
 * const task = run(function* () { yield* suspend(); });
 * await task.halt(); // its finally blocks and children are done when this resolves
 * ```
 */
export interface Task<T> extends Future<T> {
  /** Cancel the task; the returned future settles once all of its cleanup has run. */
  halt(): Future<void>;
  /**
   * Halt the task and wait for its cleanup, as `halt()` does; settles at once for a task that
   * has already ended. So calling `halt()` after an `await using` block is harmless.
   */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * The lifetime that tasks, resources and context values belong to. When a scope ends, every
 * task it owns is halted, most recent first.
 *
 * @example
 * ```ts
 * import { run, useScope } from "@skein/core";
 *
 * await run(function* () {
 *   const scope = yield* useScope();
 *   setTimeout(() => scope.run(function* () { console.log("inside the scope"); }), 0);
 * });
 * ```
 */
export interface Scope {
  /** Start `operation` as a task owned by this scope; usable from plain callbacks. */
  run<T>(operation: () => Operation<T>): Task<T>;
  /** An operation that starts `operation` as a task owned by this scope. */
  spawn<T>(operation: () => Operation<T>): Operation<Task<T>>;
  /** The value of `context` seen from this scope (its own or inherited), or its default. */
  get<T>(context: Context<T>): T | undefined;
  /** Set `context` on this scope; children see it, the parent does not. */
  set<T>(context: Context<T>, value: T): T;
  /** Like `get`, but throws a `MissingContextError` when there is no value. */
  expect<T>(context: Context<T>): T;
  /** Remove this scope's own value for `context`. */
  delete<T>(context: Context<T>): boolean;
  /** Whether this scope itself (not a parent) has a value for `context`. */
  hasOwn<T>(context: Context<T>): boolean;
  /**
   * Surround `api`'s members with `middlewares` for this scope and the scopes below it (those
   * that exist already too); see `createApi()` in `@skein/core/experimental`.
   */
  around<A>(api: Api<A>, middlewares: Partial<Around<A>>, options?: { at: "min" | "max" }): void;
}

/**
 * A value that flows down the task tree: set in a scope, seen by every task below it.
 *
 * @example
 * ```ts
 * import { createContext, run } from "@skein/core";
 *
 * const User = createContext<string>("user", "anonymous");
 * await run(function* () {
 *   yield* User.with("ada", function* () {
 *     console.log(yield* User.expect()); // "ada"
 *   });
 * });
 * ```
 */
export interface Context<T> {
  readonly name: string;
  readonly defaultValue?: T | undefined;
  get(): Operation<T | undefined>;
  set(value: T): Operation<T>;
  expect(): Operation<T>;
  delete(): Operation<boolean>;
  with<R>(value: T, operation: (value: T) => Operation<R>): Operation<R>;
}

/**
 * One consumer's view of a stream: each `next()` waits for the next item.
 *
 * @example
 * ```ts
 * import { createChannel, run, spawn } from "@skein/core";
 *
 * await run(function* () {
 *   const channel = createChannel<number, void>();
 *   const subscription = yield* channel;
 *   yield* spawn(function* () { yield* channel.send(1); });
 *   console.log(yield* subscription.next()); // { done: false, value: 1 }
 * });
 * ```
 */
export interface Subscription<T, TClose> {
  next(): Operation<IteratorResult<T, TClose>>;
}

/**
 * An operation that yields a fresh subscription each time it is evaluated.
 *
 * @example
 * ```ts
 * import { each, interval, run, type Stream } from "@skein/core";
 *
 * const ticks: Stream<void, never> = interval(10);
 * await run(function* () {
 *   for (const _ of yield* each(ticks)) { break; }
 * });
 * ```
 */
export type Stream<T, TClose> = Operation<Subscription<T, TClose>>;

/**
 * The outcome of an operation as a value.
 *
 * @example
 * ```ts
 * import { allSettled, run, type Result } from "@skein/core";
 *
 * const [result]: Result<number>[] = await run(() => allSettled([ (function* () { return 1; })() ]));
 * ```
 */
export type Result<T> = { readonly ok: true; value: T } | { readonly ok: false; error: Error };

/**
 * The value type an operation produces.
 *
 * @example
 * ```ts
 * import type { Operation, Yielded } from "@skein/core";
 *
 * type N = Yielded<Operation<number>>; // number
 * ```
 */
export type Yielded<T extends Operation<unknown>> =
  T extends Operation<infer TYield> ? TYield : never;

/**
 * Resolve or reject callbacks handed to `action()` executors.
 *
 * @example
 * ```ts
 * import { action, type Resolve } from "@skein/core";
 *
 * const tick = action<void>((resolve: Resolve<void>) => {
 *   const id = setTimeout(resolve, 1);
 *   return () => clearTimeout(id);
 * });
 * ```
 */
export type Resolve<T> = (value: T) => void;

/**
 * See {@link Resolve}.
 *
 * @example
 * ```ts
 * import { action, type Reject } from "@skein/core";
 *
 * const fail = action<never>((_, reject: Reject) => {
 *   reject(new Error("no"));
 *   return () => {};
 * });
 * ```
 */
export type Reject = (error: Error) => void;

/**
 * A function that middleware can surround: it takes the member's arguments as an array and
 * `next`, the member (or the next middleware) to delegate to, and returns what the member
 * returns. For an operation member that is an operation, so middleware is usually a generator.
 *
 * @example
 * ```ts
 * import type { Middleware, Operation } from "@skein/core";
 *
 * const logged: Middleware<[string], Operation<number>> = function* (args, next) {
 *   console.log("query", args[0]);
 *   return yield* next(...args);
 * };
 * ```
 */
export type Middleware<TArgs extends unknown[], TReturn> = (
  args: TArgs,
  next: (...args: TArgs) => TReturn,
) => TReturn;

/**
 * The middleware that can surround each member of an API of shape `A`: a method becomes a
 * {@link Middleware} over its arguments, a plain value one over no arguments.
 *
 * @example
 * ```ts
 * import type { Around, Operation } from "@skein/core";
 *
 * interface Clock {
 *   now(): Operation<number>;
 * }
 * const frozen: Partial<Around<Clock>> = {
 *   *now() {
 *     return 0;
 *   },
 * };
 * ```
 */
export type Around<A> = {
  [K in keyof A]: A[K] extends (...args: infer TArgs) => infer TReturn
    ? Middleware<TArgs, TReturn>
    : Middleware<[], A[K]>;
};

/**
 * An API made by `createApi()` from `@skein/core/experimental`: its members as operations that
 * run whatever middleware the current scope (and its ancestors) installed around them.
 *
 * @example
 * ```ts
 * import type { Api, Operation } from "@skein/core";
 * import { createApi } from "@skein/core/experimental";
 *
 * const Greeting: Api<{ greet(name: string): Operation<string> }> = createApi("greeting", {
 *   *greet(name: string) {
 *     return `hello ${name}`;
 *   },
 * });
 * ```
 */
export interface Api<A> {
  /** Every member of `A` as an operation that invokes it as the current scope sees it. */
  operations: {
    [K in keyof A]: A[K] extends Operation<unknown>
      ? A[K]
      : A[K] extends (...args: infer TArgs) => infer TReturn
        ? TReturn extends Operation<unknown>
          ? A[K]
          : (...args: TArgs) => Operation<TReturn>
        : Operation<A[K]>;
  };
  /**
   * An operation that installs `middlewares` on the current scope. `at: "max"` (the default)
   * puts them outside what the scope has so far, `at: "min"` inside, next to the core.
   */
  around(middlewares: Partial<Around<A>>, options?: { at: "min" | "max" }): Operation<void>;
  /** Call member `key` as it is on `scope`, with its middleware. */
  invoke<K extends keyof A>(
    scope: Scope,
    key: K,
    args: A[K] extends (...args: any) => unknown ? Parameters<A[K]> : [],
  ): A[K] extends (...args: any) => unknown ? ReturnType<A[K]> : A[K];
}

/**
 * effection's low-level effect, exported so code that names the type still type-checks. Skein's
 * engine does not run effection effects: write an operation (or `action()`) instead.
 *
 * @example
 * ```ts
 * import type { Effect } from "@skein/core";
 *
 * type Described = Pick<Effect<void>, "description">; // { description: string }
 * ```
 */
export interface Effect<T> {
  description: string;
  enter(resolve: Resolve<Result<T>>, routine: Coroutine): (resolve: Resolve<Result<void>>) => void;
}

/**
 * effection's per-task coroutine, exported as a type only (see {@link Effect}): Skein has no
 * such object.
 *
 * @example
 * ```ts
 * import type { Coroutine } from "@skein/core";
 *
 * type ItsScope = Coroutine["scope"]; // Scope
 * ```
 */
export interface Coroutine<T = unknown> {
  scope: Scope;
  resume(result: Result<unknown>): void;
  step(): IteratorResult<Effect<unknown>, T>;
  unwind(): void;
}
