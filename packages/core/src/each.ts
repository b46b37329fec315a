import { createContext } from "./context.js";
import type { Instruction } from "./engine/instruction.js";
import { Lazy } from "./engine/lazy.js";
import { MissingContextError } from "./errors.js";
import { useScope } from "./scope.js";
import { spawn } from "./spawn.js";
import type { Operation, Stream, Subscription } from "./types.js";
import { withResolvers } from "./with-resolvers.js";

interface Loop<T> {
  subscription: Subscription<T, unknown>;
  current: IteratorResult<T, unknown>;
  stale: boolean;
  finish(): void;
}

const EachStack = createContext<Loop<unknown>[]>("@skein/each");

/** Thrown when `each.next()` is missing at the end of an iteration of an `each()` loop, or
 * called again after the loop in its scope has ended. (Called where no `each()` loop was ever
 * started, it throws a `MissingContextError`, as in effection.)
 *
 * @example
 * ```ts
 * import { createChannel, each, IterationError, run, spawn } from "@skein/core";
 *
 * await run(function* () {
 *   const channel = createChannel<number, void>();
 *   yield* spawn(function* () {
 *     yield* channel.send(1);
 *     yield* channel.send(2);
 *   });
 *   try {
 *     for (const _ of yield* each(channel)) {
 *       // no `yield* each.next()` here
 *     }
 *   } catch (error) {
 *     console.log(error instanceof IterationError); // true
 *   }
 * });
 * ```
 */
export class IterationError extends Error {
  readonly code = "iteration";
  override name = "IterationError";
}

/** `each.next()` where no `each()` loop has run: effection's error kind, with a clearer message. */
class NotInLoopError extends MissingContextError {
  constructor() {
    super(EachStack.name);
    this.message = "each.next() was called outside of an each() loop";
  }
}

/**
 * Loop over a stream with `for...of`. End every iteration (also one that `continue`s) with
 * `yield* each.next()`. The subscription is released when the loop ends.
 *
 * @example
 * ```ts
 * import { createChannel, each, run, spawn } from "@skein/core";
 *
 * await run(function* () {
 *   const channel = createChannel<number, void>();
 *   yield* spawn(function* () {
 *     yield* channel.send(1);
 *     yield* channel.send(2);
 *     yield* channel.close();
 *   });
 *   for (const n of yield* each(channel)) {
 *     console.log(n);
 *     yield* each.next();
 *   }
 * });
 * ```
 *
 * @param stream - the stream to consume
 * @returns an operation yielding an iterable of the stream's items
 */
export function each<T>(stream: Stream<T, unknown>): Operation<Iterable<T>> {
  return {
    *[Symbol.iterator]() {
      const scope = yield* useScope();
      const stack = scope.hasOwn(EachStack)
        ? scope.expect(EachStack)
        : scope.set(EachStack, [] as Loop<unknown>[]);
      const done = withResolvers<void>();
      const started = withResolvers<Loop<T>>();
      yield* spawn(
        function* () {
          const subscription = yield* stream;
          const loop: Loop<T> = {
            subscription,
            current: yield* subscription.next(),
            stale: false,
            finish() {
              loop.finish = () => {};
              stack.pop();
              done.resolve();
            },
          };
          stack.push(loop as Loop<unknown>);
          started.resolve(loop);
          yield* done.operation;
        },
        { name: "each" },
      );
      const loop = yield* started.operation;
      return {
        [Symbol.iterator]: () => ({
          next(): IteratorResult<T> {
            if (loop.stale) {
              throw new IterationError(
                "an each() loop went on without `yield* each.next()` at the end of the iteration",
              );
            }
            loop.stale = true;
            if (loop.current.done) loop.finish();
            return loop.current as IteratorResult<T>;
          },
          return(): IteratorResult<T> {
            loop.finish();
            return { done: true, value: undefined };
          },
        }),
      };
    },
  };
}

/**
 * Advance the innermost `each()` loop; call it at the end of every iteration.
 *
 * @example
 * ```ts
 * import { each, interval, run } from "@skein/core";
 *
 * await run(function* () {
 *   let n = 0;
 *   for (const _ of yield* each(interval(1))) {
 *     if (++n === 3) break;
 *     yield* each.next();
 *   }
 * });
 * ```
 */
each.next = function next(): Operation<void> {
  return new Lazy(advance, undefined, undefined, undefined);
};

function* advance(): Generator<Instruction, void, unknown> {
  const stack = yield* EachStack.get();
  if (stack === undefined) throw new NotInLoopError();
  const loop = stack[stack.length - 1];
  if (loop === undefined) {
    throw new IterationError("each.next() was called outside of an each() loop");
  }
  const current = yield* loop.subscription.next();
  loop.stale = false;
  loop.current = current;
  if (current.done) loop.finish();
}
