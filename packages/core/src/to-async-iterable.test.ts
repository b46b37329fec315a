import { expect } from "vitest";
import { createBoundedQueue } from "./bounded-queue.js";
import { resource } from "./resource.js";
import { useScope } from "./scope.js";
import { stream } from "./stream.js";
import { describe, it } from "./test/mod.js";
import { toAsyncIterable } from "./to-async-iterable.js";
import type { Stream, Subscription } from "./types.js";
import { until } from "./until.js";

/** A stream of 0, 1, 2, ... that counts how many items were asked for and notes its cleanup. */
function counting(log: { pulls: number; closed: boolean }): Stream<number, never> {
  return resource<Subscription<number, never>>(function* (provide) {
    try {
      yield* provide({
        *next() {
          return { done: false, value: log.pulls++ };
        },
      } as unknown as Subscription<number, never>);
    } finally {
      log.closed = true;
    }
  });
}

describe("toAsyncIterable()", () => {
  it("reads a stream with for await until it ends", function* () {
    const queue = createBoundedQueue<number>({ capacity: 3 });
    yield* queue.put(1);
    yield* queue.put(2);
    queue.close();
    const seen = yield* until(
      (async () => {
        const items: number[] = [];
        for await (const n of toAsyncIterable(queue)) items.push(n);
        return items;
      })(),
    );
    expect(seen).toEqual([1, 2]);
  });

  it("pulls one item per iteration and ends the subscription on break", function* () {
    const log = { pulls: 0, closed: false };
    const scope = yield* useScope();
    const seen = yield* until(
      (async () => {
        const items: number[] = [];
        for await (const n of toAsyncIterable(counting(log), scope)) {
          items.push(n);
          if (items.length === 3) break;
        }
        return items;
      })(),
    );
    expect(seen).toEqual([0, 1, 2]);
    expect(log.pulls).toBe(3);
    expect(log.closed).toBe(true);
  });

  it("throws the stream's failure into the loop", function* () {
    async function* broken(): AsyncGenerator<number> {
      yield 1;
      throw new Error("broken");
    }
    const outcome = yield* until(
      (async () => {
        const items: number[] = [];
        try {
          for await (const n of toAsyncIterable(stream(broken()))) items.push(n);
        } catch (error) {
          return { items, error: (error as Error).message };
        }
        return { items, error: undefined };
      })(),
    );
    expect(outcome).toEqual({ items: [1], error: "broken" });
  });
});
