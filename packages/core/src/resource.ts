import { InstructionOperation, NEXT, THROW } from "./engine/instruction.js";
import { scheduler } from "./engine/scheduler.js";
import { OUTCOME_ERR } from "./engine/scope-node.js";
import type { StartWatcher, TaskImpl } from "./engine/task.js";
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

/**
 * A resource's start: the caller waits until the resource's task provides a value. While it
 * starts, the task's end goes to the caller (its failure is thrown there), not to the owner.
 */
class ResourceStart implements StartWatcher {
  /** The resource's task. */
  task: TaskImpl | undefined = undefined;
  provided = false;
  constructor(
    private caller: TaskImpl,
    private epoch: number,
  ) {}

  /** The resource has a value: hand it to the caller, if it still waits. */
  provide(value: unknown): void {
    const res = this.task!;
    // The caller stopped waiting (it was halted while the resource started): nobody takes the
    // value, and the resource waits here until its scope ends and halts it.
    if (res.starting !== this) return;
    res.starting = undefined;
    this.caller.resumeAt(this.epoch, NEXT, value);
  }

  /** The resource ended before providing: its caller gets the error (or learns it ended). */
  ended(res: TaskImpl): void {
    this.caller.resumeAt(
      this.epoch,
      THROW,
      res.outcome === OUTCOME_ERR
        ? res.result
        : new Error("resource ended without providing a value"),
    );
  }

  /** The caller stopped waiting: a later failure of the resource goes to its scope instead. */
  cancel(): void {
    const res = this.task!;
    if (res.starting === this) res.starting = undefined;
  }
}

class Provided<T> extends InstructionOperation<void> {
  constructor(
    private start: ResourceStart,
    private provided: T,
  ) {
    super();
  }
  enter(): void {
    const start = this.start;
    if (start.provided) throw new Error("provide() may be called only once per resource");
    start.provided = true;
    start.provide(this.provided);
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
    const start = new ResourceStart(caller, caller.ticket);
    const provide: Provide<T> = (value) => new Provided(start, value);
    const body = this.body;
    const res = caller.scope.create(() => body(provide), true);
    if (this.name !== undefined) res.name = this.name;
    start.task = res;
    res.starting = start;
    caller.suspend(start);
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
