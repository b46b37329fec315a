import { createContext } from "../context.js";
import type { Instruction } from "../engine/instruction.js";
import { Lazy } from "../engine/lazy.js";
import { bindTask, TaskAsker } from "../engine/task-binding.js";
import { useScope } from "../scope.js";
import type { Api, Around, Context, Operation, Scope } from "../types.js";
import { InvalidApiError } from "./invalid-api-error.js";

type Member = (args: unknown[], next: (...args: unknown[]) => unknown) => unknown;

/** The middleware one scope installed itself, in the order it installed them. */
interface Installed {
  max: Partial<Record<PropertyKey, Member>>[];
  min: Partial<Record<PropertyKey, Member>>[];
  /** Bumped on every install, so a cached handle knows it is out of date. */
  version: number;
  /** The handle last composed at this scope, and the installs it was composed from. */
  cache: { from: [Installed, number][]; handle: Record<PropertyKey, unknown> } | undefined;
}

/** What the engine's scopes say of installed middleware (engine/scope-node.ts). */
interface Marked {
  readonly decorated: boolean;
  markDecorated(): void;
}

/** Internal. What `Scope.around()` calls: install `middlewares` on `scope`. */
export interface Decoratable<A> {
  decorate(scope: Scope, middlewares: Partial<Around<A>>, options?: { at: "min" | "max" }): void;
}

/**
 * Create an API whose members can be surrounded by middleware per scope: middleware installed
 * on a scope (with `yield* MyApi.around(...)` or `scope.around(MyApi, ...)`) applies to every
 * call made in that scope and the scopes below it, including ones that already exist, and never
 * to its parent. This is effection 4.1's hook for instrumentation, tracing, dependency injection
 * and mocks. While no API has middleware on the calling scope or above it, an operation calls
 * its core at once, so an API costs next to nothing on a hot path until someone installs some.
 *
 * Order: middleware installed `at: "max"` (the default) wraps from the outside in, ancestors'
 * outside their descendants', and earlier installs outside later ones in one scope; `at: "min"`
 * middleware sits next to the core, a descendant's outside its ancestors', later installs
 * outside earlier ones.
 *
 * @example
 * ```ts
 * import { type Operation, run } from "@skein/core";
 * import { createApi } from "@skein/core/experimental";
 *
 * interface Weather {
 *   forecast(city: string): Operation<string>;
 * }
 *
 * const WeatherApi = createApi<Weather>("weather", {
 *   *forecast(city) {
 *     return `rain in ${city}`; // the real thing would fetch it
 *   },
 * });
 * const { forecast } = WeatherApi.operations;
 *
 * await run(function* () {
 *   // A test mocks the API for its own scope only.
 *   yield* WeatherApi.around({
 *     *forecast([city]) {
 *       return `sun in ${city}`;
 *     },
 *   });
 *   console.log(yield* forecast("Oslo")); // "sun in Oslo"
 * });
 * ```
 *
 * @param name - names the API's context (`api::<name>`); as with contexts (and in effection), two
 *   APIs created with one name share their middleware, so give each API its own name
 * @param core - the default implementation of every member: methods, operations or values
 * @returns the API
 */
export function createApi<A extends {}>(name: string, core: A): Api<A> {
  if (typeof core !== "object" || core === null) {
    throw new InvalidApiError(
      `createApi("${name}", core): core must be an object of members`,
      core,
    );
  }
  const context: Context<Installed> = createContext<Installed>(`api::${name}`);
  const members = core as Record<PropertyKey, unknown>;
  const keys = Object.keys(core);

  const handleAt = (scope: Scope): Record<PropertyKey, unknown> => {
    // No middleware of any API here or above (the engine keeps this flag as middleware is
    // installed): the core, without walking up the scopes.
    if ((scope as Partial<Marked>).decorated === false) return members;
    // The scopes' own installs, nearest first. Scopes are walked through `get`, so an install
    // made on an ancestor after this scope was created is seen at once.
    const from = installsSeenFrom(scope, context);
    if (from.length === 0) return members;
    const nearest = from[0]![0];
    const cache = nearest.cache;
    if (cache !== undefined && sameInstalls(cache.from, from)) return cache.handle;
    const handle = compose(members, keys, from);
    nearest.cache = { from, handle };
    return handle;
  };

  const invoke = (scope: Scope, key: PropertyKey, args: unknown[]): unknown => {
    const member = handleAt(scope)[key];
    return typeof member === "function" ? member(...args) : member;
  };

  const operations: Record<PropertyKey, unknown> = {};
  for (const key of keys) {
    operations[key] =
      typeof members[key] === "function"
        ? (...args: unknown[]) => new Invocation(invoke, key, args)
        : // One value shared by every task: each run gets an invocation of its own.
          { [Symbol.iterator]: () => new Invocation(invoke, key, [])[Symbol.iterator]() };
  }

  const api: Api<A> & Decoratable<A> = {
    operations: operations as Api<A>["operations"],
    around: (middlewares, options) => new Lazy(aroundHere, api, middlewares, options),
    invoke: ((scope: Scope, key: keyof A, args: unknown[]) =>
      invoke(scope, key, args)) as Api<A>["invoke"],
    decorate(scope, middlewares, options) {
      if (typeof middlewares !== "object" || middlewares === null) {
        throw new InvalidApiError(
          `${name}.around(): middleware must be an object of members`,
          middlewares,
        );
      }
      const at = options?.at ?? "max";
      if (at !== "max" && at !== "min") {
        throw new InvalidApiError(`${name}.around(): options.at must be "min" or "max"`, at);
      }
      let own = scope.hasOwn(context) ? scope.get(context) : undefined;
      if (own === undefined) {
        own = scope.set(context, { max: [], min: [], version: 0, cache: undefined });
      }
      own[at].push(middlewares as Partial<Record<PropertyKey, Member>>);
      own.version++;
      (scope as Partial<Marked>).markDecorated?.();
    },
  };
  return api;
}

type Invoke = (scope: Scope, key: PropertyKey, args: unknown[]) => unknown;

/** An API member called as an operation: a fresh {@link Invoking} each time it runs. */
/**
 * An API member's operation, and the iterator of its first run: an operation is nearly always
 * run once, so that run allocates nothing more; a further run gets an iterator of its own.
 */
class Invocation
  extends TaskAsker
  implements Operation<unknown>, Iterator<Instruction, unknown, unknown>
{
  private inner: Iterator<Instruction, unknown, unknown> | undefined = undefined;
  private started = false;
  constructor(
    private readonly invoke: Invoke,
    private readonly key: PropertyKey,
    private readonly args: unknown[],
  ) {
    super();
  }

  [Symbol.iterator](): Iterator<Instruction, unknown, unknown> {
    if (this.started) return new Invocation(this.invoke, this.key, this.args)[Symbol.iterator]();
    this.started = true;
    return this;
  }

  next(value?: unknown): IteratorResult<Instruction, unknown> {
    const inner = this.inner;
    if (inner !== undefined) return inner.next(value);
    const asking = this.askForTask();
    if (asking !== undefined) return asking;
    const task = this.task!;
    const target = this.invoke(task.scope, this.key, this.args);
    if (!isOperation(target)) return { done: true, value: target };
    const started = target[Symbol.iterator]() as Iterator<Instruction, unknown, unknown>;
    bindTask(started, task);
    this.inner = started;
    return started.next(undefined);
  }

  throw(error: unknown): IteratorResult<Instruction, unknown> {
    const inner = this.inner;
    if (inner === undefined) throw error;
    if (inner.throw === undefined) {
      inner.return?.();
      throw error;
    }
    return inner.throw(error);
  }

  return(value?: unknown): IteratorResult<Instruction, unknown> {
    const inner = this.inner;
    if (inner?.return === undefined) return { done: true, value };
    return inner.return(value);
  }
}

function* aroundHere<A>(
  api: Decoratable<A>,
  middlewares: Partial<Around<A>>,
  options: { at: "min" | "max" } | undefined,
): Generator<any, void, any> {
  api.decorate(yield* useScope(), middlewares, options);
}

function installsSeenFrom(scope: Scope, context: Context<Installed>): [Installed, number][] {
  const from: [Installed, number][] = [];
  let node = scope as Scope & { parent?: Scope };
  for (;;) {
    if (node.hasOwn(context)) {
      const own = node.get(context)!;
      from.push([own, own.version]);
    }
    const parent = node.parent;
    if (parent === undefined) return from;
    node = parent as Scope & { parent?: Scope };
  }
}

function sameInstalls(a: [Installed, number][], b: [Installed, number][]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]![0] !== b[i]![0] || a[i]![1] !== b[i]![1]) return false;
  }
  return true;
}

/** The handle as seen from a scope whose installs, nearest first, are `from`. */
function compose(
  members: Record<PropertyKey, unknown>,
  keys: string[],
  from: [Installed, number][],
): Record<PropertyKey, unknown> {
  // Outermost first: ancestors' max (each scope's in install order), root first; then the
  // nearest scope's min (latest first) down to the root's, next to the core.
  const layers: Partial<Record<PropertyKey, Member>>[] = [];
  for (let i = from.length - 1; i >= 0; i--) layers.push(...from[i]![0].max);
  for (const [own] of from) for (let j = own.min.length - 1; j >= 0; j--) layers.push(own.min[j]!);
  const handle: Record<PropertyKey, unknown> = {};
  for (const key of keys) {
    const chain = layers.map((layer) => layer[key]).filter((m): m is Member => m !== undefined);
    const member = members[key];
    if (chain.length === 0) {
      handle[key] = member;
    } else if (typeof member === "function") {
      const call = member as (...args: unknown[]) => unknown;
      handle[key] = (...args: unknown[]) => through(chain, 0, args, call);
    } else {
      Object.defineProperty(handle, key, {
        enumerable: true,
        get: () => through(chain, 0, [], () => member),
      });
    }
  }
  return handle;
}

function through(
  chain: Member[],
  index: number,
  args: unknown[],
  core: (...args: unknown[]) => unknown,
): unknown {
  if (index === chain.length) return core(...args);
  return chain[index]!(args, (...next) => through(chain, index + 1, next, core));
}

function isOperation(value: unknown): value is Operation<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Operation<unknown>)[Symbol.iterator] === "function" &&
    !Array.isArray(value) &&
    !(value instanceof Map) &&
    !(value instanceof Set)
  );
}
