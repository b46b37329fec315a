import * as skein from "@skein/core";
import * as skeinExperimental from "@skein/core/experimental";
import * as effection from "effection";
import * as effectionExperimental from "effection/experimental";

/** An operation of either engine, seen by the scenarios only through `yield*`. */
export interface Op<T> {
  [Symbol.iterator](): Iterator<any, T, any>;
}

export interface ApiFuture<T> extends Promise<T>, Op<T> {}

export interface ApiTask<T> extends ApiFuture<T> {
  halt(): ApiFuture<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface ApiScope {
  run<T>(operation: () => Op<T>): ApiTask<T>;
  set<T>(context: ApiContext<T>, value: T): T;
  delete<T>(context: ApiContext<T>): boolean;
  spawn<T>(operation: () => Op<T>): Op<ApiTask<T>>;
  around<A>(
    api: ApiOf<A>,
    middlewares: Partial<ApiAround<A>>,
    options?: { at: "min" | "max" },
  ): void;
}

/** `api.Scope` of either engine, as the scenarios use it. */
export interface ScopeApiShape {
  create(parent: ApiScope): [ApiScope, () => ApiFuture<void>];
  destroy(scope: ApiScope): Op<void>;
  set<T>(scope: ApiScope, context: ApiContext<T>, value: T): T;
  delete<T>(scope: ApiScope, context: ApiContext<T>): boolean;
}

export type ApiAround<A> = {
  [K in keyof A]: A[K] extends (...args: infer TArgs) => infer TReturn
    ? (args: TArgs, next: (...args: TArgs) => TReturn) => TReturn
    : (args: [], next: () => A[K]) => A[K];
};

/** What `createApi()` returns, as the scenarios use it (members loosely typed: the engines'
 * own mapped types do not unify). */
export interface ApiOf<A> {
  operations: { [K in keyof A]: any };
  around(middlewares: Partial<ApiAround<A>>, options?: { at: "min" | "max" }): Op<void>;
}

export interface ApiContext<T> {
  readonly name: string;
  get(): Op<T | undefined>;
  set(value: T): Op<T>;
  expect(): Op<T>;
  with<R>(value: T, operation: (value: T) => Op<R>): Op<R>;
}

export interface ApiSubscription<T, TClose> {
  next(): Op<IteratorResult<T, TClose>>;
}

export type ApiStream<T, TClose> = Op<ApiSubscription<T, TClose>>;

export interface ApiChannel<T, TClose> extends ApiStream<T, TClose> {
  send(message: T): Op<void>;
  close(value: TClose): Op<void>;
}

export interface ApiSignal<T, TClose> extends ApiStream<T, TClose> {
  send(value: T): void;
  close(value: TClose): void;
}

export interface ApiQueue<T, TClose> extends ApiSubscription<T, TClose> {
  add(item: T): void;
  close(value: TClose): void;
}

export type ApiQueueFactory = <T, TClose>() => ApiQueue<T, TClose>;

export type ApiResult<T> = { readonly ok: true; value: T } | { readonly ok: false; error: Error };

/** The part of the API that Skein and effection 4.1.1 share, as the scenarios use it. */
export interface Api {
  run<T>(operation: () => Op<T>): ApiTask<T>;
  spawn<T>(operation: () => Op<T>): Op<ApiTask<T>>;
  sleep(ms: number): Op<void>;
  suspend(): Op<void>;
  action<T>(
    executor: (resolve: (value: T) => void, reject: (error: Error) => void) => () => void,
  ): Op<T>;
  resource<T>(body: (provide: (value: T) => Op<void>) => Op<void>): Op<T>;
  call<T>(fn: () => PromiseLike<T>): Op<T>;
  until<T>(promise: PromiseLike<T>): Op<T>;
  lift<TArgs extends unknown[], R>(fn: (...args: TArgs) => R): (...args: TArgs) => Op<R>;
  all<T>(operations: readonly Op<T>[]): Op<T[]>;
  allSettled<T>(operations: readonly Op<T>[]): Op<ApiResult<T>[]>;
  race<T>(operations: readonly Op<T>[]): Op<T>;
  scoped<T>(operation: () => Op<T>): Op<T>;
  ensure(fn: () => Op<unknown> | void): Op<void>;
  useAbortSignal(): Op<AbortSignal>;
  createContext<T>(name: string, defaultValue?: T): ApiContext<T>;
  useScope(): Op<ApiScope>;
  createScope(parent?: ApiScope): [ApiScope, () => ApiFuture<void>];
  withResolvers<T>(): { operation: Op<T>; resolve(value: T): void; reject(error: Error): void };
  createChannel<T, TClose = void>(): ApiChannel<T, TClose>;
  createSignal<T, TClose = never>(): ApiSignal<T, TClose>;
  createQueue<T, TClose>(): ApiQueue<T, TClose>;
  each: {
    <T>(stream: ApiStream<T, unknown>): Op<Iterable<T>>;
    next(): Op<void>;
  };
  on(target: EventTarget, name: string): ApiStream<Event, never>;
  once(target: EventTarget, name: string): Op<Event>;
  interval(ms: number): ApiStream<void, never>;
  using<T extends Disposable | AsyncDisposable>(value: T): Op<T>;
  Err<T>(error: unknown): ApiResult<T>;
  unbox<T>(result: ApiResult<T>): T;
  SignalQueueFactory: ApiContext<ApiQueueFactory>;
  experimental: {
    createApi<A extends {}>(name: string, core: A): ApiOf<A>;
    api: { Scope: ApiOf<ScopeApiShape> };
  };
}

// Each engine's `api.Scope` names its own scope type, which the other's middleware cannot take.
export const skeinApi: Api = {
  ...skein,
  experimental: {
    ...skeinExperimental,
    api: { Scope: skeinExperimental.api.Scope as unknown as ApiOf<ScopeApiShape> },
  },
};
export const effectionApi: Api = {
  ...effection,
  experimental: {
    ...effectionExperimental,
    api: { Scope: effectionExperimental.api.Scope as unknown as ApiOf<ScopeApiShape> },
  },
};

export type Log = (event: string) => void;

/** How a scenario ended: its value, or the thrown error reduced to name and message. */
export type Outcome = { ok: true; value: unknown } | { ok: false; name: string; message: string };

/** What one engine did with a scenario: the events in order, then the outcome. */
export interface Trace {
  log: string[];
  outcome: Outcome;
}

/** A behaviour the two engines are expected to disagree on, with both traces spelled out. */
export interface Difference {
  reason: string;
  skein: Trace;
  effection: Trace;
  /** Set while Skein does not yet behave as `skein` says: what it does instead. */
  skeinBug?: string;
  /**
   * Skein's side needs the generator frames of a `yield*` chain, which it cannot find where the
   * generator prototype is frozen (`node --frozen-intrinsics`): there it behaves as effection.
   */
  needsFrames?: true;
}

interface ScenarioBase {
  name: string;
  differs?: Difference;
}

/** A scenario is an operation run with `api.run()`, or async code for what drives tasks from outside. */
export type Scenario = ScenarioBase &
  (
    | { operation: (api: Api, log: Log) => Op<unknown> }
    | { promise: (api: Api, log: Log) => Promise<unknown> }
  );

function outcomeOf(error: unknown): Outcome {
  if (error instanceof Error) return { ok: false, name: error.name, message: error.message };
  return { ok: false, name: typeof error, message: String(error) };
}

/** Settle like `promise`, or reject with a `TimeoutError` after `ms`; the timer never outlives it. */
async function within<T>(promise: PromiseLike<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Run `scenario` under `api` and record its trace. One that has not settled after `timeoutMs`
 * ends as a `TimeoutError` outcome, so a hang fails its own test clearly; an operation that hangs
 * is halted first, so it does not run on into the next scenario.
 */
export async function runScenario(api: Api, scenario: Scenario, timeoutMs = 2000): Promise<Trace> {
  const log: string[] = [];
  const record: Log = (event) => {
    log.push(event);
  };
  let task: ApiTask<unknown> | undefined;
  try {
    let settled: Promise<unknown>;
    if ("operation" in scenario) {
      const body = scenario.operation;
      task = api.run(() => body(api, record));
      settled = task;
    } else {
      settled = scenario.promise(api, record);
    }
    const value = await within(settled, timeoutMs, `scenario "${scenario.name}"`);
    return { log, outcome: { ok: true, value } };
  } catch (error) {
    if (error instanceof TimeoutError && task !== undefined) {
      await within(task.halt(), timeoutMs, `halting "${scenario.name}"`).catch(() => {});
    }
    return { log, outcome: outcomeOf(error) };
  }
}

/** The outcome of a scenario (or of halting one) that did not settle in time. */
export class TimeoutError extends Error {
  readonly code = "timeout";
  override name = "TimeoutError";
  constructor(what: string, ms: number) {
    super(`${what} did not settle within ${ms} ms`);
  }
}
