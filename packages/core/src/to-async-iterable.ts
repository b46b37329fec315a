import { label } from "./label.js";
import { createQueue } from "./queue.js";
import { createScope, global, type OwnedScope } from "./scope.js";
import type { Scope, Stream, Task } from "./types.js";

interface Reply<T> {
  resolve(result: IteratorResult<T, unknown>): void;
  reject(error: unknown): void;
}

/** Internal. Pulls from a stream in a scope of its own, one item per `next()`. */
class StreamIterator<T> implements AsyncIterableIterator<T, unknown, undefined> {
  private scope: OwnedScope;
  private requests = createQueue<Reply<T>, never>();
  private pump: Task<void>;
  private failure: { error: unknown } | undefined = undefined;
  private pending: Reply<T> | undefined = undefined;
  private finished = false;

  constructor(source: Stream<T, unknown>, parent: Scope) {
    this.scope = createScope(parent);
    const requests = this.requests;
    this.pump = this.scope.run(function* () {
      yield* label("async iterator pump");
      const subscription = yield* source;
      for (;;) {
        const request = yield* requests.next();
        if (request.done) return;
        const result = yield* subscription.next();
        request.value.resolve(result);
        if (result.done) return;
      }
    });
    // A failure of the stream (also after it provided its subscription) goes to the reader.
    this.pump.then(undefined, (error: unknown) => {
      this.failure = { error };
      this.pending?.reject(error);
    });
  }

  async next(): Promise<IteratorResult<T, unknown>> {
    if (this.finished) return { done: true, value: undefined };
    if (this.failure !== undefined) return this.stop(this.failure.error);
    let result: IteratorResult<T, unknown>;
    try {
      result = await new Promise<IteratorResult<T, unknown>>((resolve, reject) => {
        this.pending = { resolve, reject };
        this.requests.add(this.pending);
      });
    } catch (error) {
      return this.stop(error);
    } finally {
      this.pending = undefined;
    }
    if (result.done) await this.return();
    return result;
  }

  private async stop(error: unknown): Promise<never> {
    await this.return();
    throw error;
  }

  async return(): Promise<IteratorResult<T, unknown>> {
    if (!this.finished) {
      this.finished = true;
      await this.scope.destroy();
    }
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * Read a Stream from async code with `for await`. Each iteration pulls one item (nothing is
 * read ahead). The stream's subscription lives in a scope of its own under `scope`, which ends
 * when the stream ends, when it fails (the error is thrown to the loop), or when the loop exits
 * early (`break`, `return`, an exception), so the stream's cleanup has run once the loop is left.
 *
 * @example
 * ```ts
 * import { createBoundedQueue, toAsyncIterable } from "@skein/core";
 *
 * const queue = createBoundedQueue<number>({ capacity: 2 });
 * for await (const n of toAsyncIterable(queue)) {
 *   console.log(n);
 *   break;
 * }
 * ```
 *
 * @param stream - the stream to read
 * @param scope - the scope the reading belongs to (default: the global scope)
 * @returns an async iterable over the stream's items; each `for await` subscribes anew
 */
export function toAsyncIterable<T>(
  stream: Stream<T, unknown>,
  scope: Scope = global,
): AsyncIterable<T, unknown, undefined> {
  return { [Symbol.asyncIterator]: () => new StreamIterator(stream, scope) };
}
