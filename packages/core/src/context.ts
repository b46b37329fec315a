import { type Instruction, InstructionOperation, NEXT } from "./engine/instruction.js";
import { Lazy } from "./engine/lazy.js";
import type { ScopeNode } from "./engine/scope-node.js";
import type { TaskImpl } from "./engine/task.js";
import type { Context, Operation } from "./types.js";

class OnScope<T> extends InstructionOperation<T> {
  constructor(private fn: (scope: ScopeNode) => T) {
    super();
  }
  enter(task: TaskImpl): void {
    task.resume(NEXT, this.fn(task.scope));
  }
}

/**
 * Create a context: a value set on a scope and seen by everything below it.
 *
 * @example
 * ```ts
 * import { createContext, run, spawn } from "@skein/core";
 *
 * const RequestId = createContext<string>("request-id");
 * await run(function* () {
 *   yield* RequestId.set("r-1");
 *   const child = yield* spawn(function* () { return yield* RequestId.expect(); });
 *   console.log(yield* child); // "r-1"
 * });
 * ```
 *
 * @param name - a unique name (two contexts with one name share their value)
 * @param defaultValue - the value where none is set
 * @returns the context
 */
export function createContext<T>(name: string, defaultValue?: T): Context<T> {
  const context: Context<T> = {
    name,
    defaultValue,
    get: () => new OnScope((scope) => scope.get(context)),
    set: (value) => new OnScope((scope) => scope.set(context, value)),
    expect: () => new OnScope((scope) => scope.expect(context)),
    delete: () => new OnScope((scope) => scope.delete(context)),
    with<R>(value: T, operation: (value: T) => Operation<R>): Operation<R> {
      return new Lazy(withValue<T, R>, context, value, operation);
    },
  };
  return context;
}

function* withValue<T, R>(
  context: Context<T>,
  value: T,
  operation: (value: T) => Operation<R>,
): Generator<Instruction, R, unknown> {
  const scope = yield* new OnScope<ScopeNode>((s) => s);
  const had = scope.hasOwn(context);
  const original = scope.get(context);
  try {
    return yield* operation(scope.set(context, value));
  } finally {
    if (had) scope.set(context, original as T);
    else scope.delete(context);
  }
}
