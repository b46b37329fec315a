import { InstructionOperation } from "./engine/instruction.js";
import { scheduler } from "./engine/scheduler.js";
import { NEXT, type TaskImpl } from "./engine/task.js";
import type { Operation } from "./types.js";

/**
 * Hands a resource's value to its caller and keeps the resource alive until the caller's scope
 * ends.
 *
 * @example
 * ```ts
 * import { type Provide, resource } from "@skein/core";
 *
 * const useNumber = resource(function* (provide: Provide<number>) {
 *   yield* provide(7);
 * });
 * ```
 */
export type Provide<T> = (value: T) => Operation<void>;

class Provided<T> extends InstructionOperation<void> {
  constructor(
    private owner: { task: TaskImpl | undefined; provided: boolean },
    private provided: T,
  ) {
    super();
  }
  enter(): void {
    const owner = this.owner;
    if (owner.provided) throw new Error("provide() may be called only once per resource");
    owner.provided = true;
    const res = owner.task!;
    const caller = res.provideTo;
    // The caller stopped waiting (it was halted while the resource started): nobody takes the
    // value, and the resource waits here until its scope ends and halts it.
    if (caller === undefined) return;
    res.provideTo = undefined;
    caller.resumeAt(res.provideEpoch, NEXT, this.provided);
  }
}

/**
 * Options of {@link resource}.
 *
 * @example
 * ```ts
 * import type { ResourceOptions } from "@skein/core";
 *
 * const options: ResourceOptions = { name: "http client" };
 * ```
 */
export interface ResourceOptions {
  /** What {@link inspect} and `skein ps` call the resource's task; else it shows as `resource`. */
  name?: string;
}

class Resource<T> extends InstructionOperation<T> {
  constructor(
    private body: (provide: Provide<T>) => Operation<void>,
    private name: string | undefined,
  ) {
    super();
  }
  enter(caller: TaskImpl): void {
    const holder: { task: TaskImpl | undefined; provided: boolean } = {
      task: undefined,
      provided: false,
    };
    const provide: Provide<T> = (value) => new Provided(holder, value);
    const body = this.body;
    const res = caller.scope.create(() => body(provide), true);
    if (this.name !== undefined) res.name = this.name;
    holder.task = res;
    res.provideTo = caller;
    res.provideEpoch = caller.epoch;
    caller.teardown = () => {
      // The caller stopped waiting: a later failure of the resource goes to its scope instead.
      if (res.provideTo === caller) res.provideTo = undefined;
    };
    scheduler.schedule(res);
  }
}

/**
 * Define a resource: an operation that starts something, `provide`s a value to its caller, and
 * keeps running (so its `finally` can clean up) until the caller's scope ends. Resources are torn
 * down in reverse order of acquisition. An error before `provide` is thrown to the caller.
 *
 * @example
 * ```ts
 * import { createServer, type Server } from "node:http";
 * import { action, resource, run } from "@skein/core";
 *
 * function useServer(port: number) {
 *   return resource<Server>(function* (provide) {
 *     const server = createServer();
 *     yield* action<void>((resolve) => {
 *       server.listen(port, resolve);
 *       return () => {};
 *     });
 *     try {
 *       yield* provide(server);
 *     } finally {
 *       server.close();
 *     }
 *   });
 * }
 *
 * await run(function* () {
 *   const server = yield* useServer(0);
 *   console.log(server.address());
 * }); // the server is closed here
 * ```
 *
 * @param body - sets the resource up, calls `provide(value)`, cleans up in `finally`
 * @param options - `name` labels the resource's task for {@link inspect}
 * @returns an operation yielding the provided value
 */
export function resource<T>(
  body: (provide: Provide<T>) => Operation<void>,
  options?: ResourceOptions,
): Operation<T> {
  const name = options?.name;
  if (name !== undefined && typeof name !== "string") {
    throw new TypeError(`resource(): options.name must be a string, got ${String(name)}`);
  }
  return new Resource(body, name);
}
