import { assertDuration } from "./assert-number.js";
import { type Instruction, InstructionOperation } from "./engine/instruction.js";
import { Lazy } from "./engine/lazy.js";
import type { TaskImpl, Waiter } from "./engine/task.js";
import { createScope, type OwnedScope } from "./scope.js";
import { DeadlineContext } from "./time-limit.js";
import { timeout } from "./timeout.js";
import type { Operation } from "./types.js";

/**
 * Options of {@link shield}.
 *
 * @example
 * ```ts
 * import type { ShieldOptions } from "@skein/core";
 *
 * const options: ShieldOptions = { timeout: 5_000 };
 * ```
 */
export interface ShieldOptions {
  /** Halt the operation after this many milliseconds and throw a `TimeoutError`. Default: none. */
  timeout?: number;
}

/**
 * Run `operation` to completion even if the caller is halted meanwhile: for a final write or a
 * commit. A halt of the caller waits until the operation has finished and then takes effect, so
 * the code after `shield` does not run; otherwise its value or error comes back as usual.
 *
 * The operation is outside the caller's deadlines, since a halt cannot reach it: bound it with
 * `timeout` instead. When that runs out, the operation is halted (its cleanup runs) and a
 * `TimeoutError` is thrown, unless the caller was halted meanwhile, in which case the halt goes on.
 *
 * @example
 * ```ts
 * import { run, shield, sleep, suspend } from "@skein/core";
 *
 * function* flush(): Generator<any, void> {
 *   yield* sleep(10);
 *   console.log("flushed");
 * }
 * const task = run(function* () {
 *   try {
 *     yield* suspend();
 *   } finally {
 *     yield* shield(flush(), { timeout: 1_000 });
 *   }
 * });
 * await task.halt(); // "flushed" has been printed
 * ```
 *
 * @param operation - the work that must not be cut short
 * @param options - an optional `timeout` in milliseconds
 * @returns the operation's value
 */
export function shield<T>(operation: Operation<T>, options: ShieldOptions = {}): Operation<T> {
  const ms = options.timeout;
  if (ms !== undefined) assertDuration("shield timeout", ms);
  function* body(): Generator<any, T> {
    yield* DeadlineContext.set(Infinity);
    return ms === undefined ? yield* operation : yield* timeout(ms, operation);
  }
  return new Lazy(shielded<T>, body, undefined, undefined);
}

function shielded<T>(body: () => Operation<T>): Iterator<Instruction, T, unknown> {
  return new Shield<T>(body)[Symbol.iterator]();
}

/**
 * Runs the body as a task of a scope under the caller's, so it is owned and sees the caller's
 * contexts, while the caller waits in a critical section: its halt is deferred until the body
 * has settled. The scope does not pass the body's failure to the caller's scope; the caller
 * gets it from the join instead.
 */
class Shield<T> extends InstructionOperation<T> implements Waiter {
  private caller: TaskImpl | undefined = undefined;
  private epoch = 0;
  private scope: OwnedScope | undefined = undefined;

  constructor(private body: () => Operation<T>) {
    super();
  }

  enter(caller: TaskImpl): void {
    const scope = createScope(caller.scope);
    const child = scope.run(this.body) as TaskImpl<T>;
    child.name = "shield";
    this.caller = caller;
    this.epoch = caller.ticket;
    this.scope = scope;
    caller.deferHalts();
    child.addWaiter(this);
  }

  settled(child: TaskImpl<T>): void {
    const caller = this.caller!;
    this.caller = undefined;
    this.scope!.destroy();
    this.scope = undefined;
    caller.allowHalts();
    child.deliverTo(caller, this.epoch);
  }
}
