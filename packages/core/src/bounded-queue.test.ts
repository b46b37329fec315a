import { expect } from "vitest";
import { createBoundedQueue, QueueClosedError } from "./bounded-queue.js";
import { each } from "./each.js";
import { createEvent } from "./event.js";
import { spawn } from "./spawn.js";
import { describe, it } from "./test/mod.js";
import type { Operation, Task } from "./types.js";

/** Let every task spawned so far take its first steps: a task spawned now runs after them. */
function* letSpawnedRun(): Operation<void> {
  const ran = createEvent();
  yield* spawn(function* () {
    ran.set();
  });
  yield* ran.wait();
}

function* failure(operation: Operation<unknown>): Operation<unknown> {
  try {
    yield* operation;
  } catch (error) {
    return error;
  }
  throw new Error("expected the operation to fail");
}

describe("createBoundedQueue()", () => {
  it("rejects a capacity that is not a positive integer, naming the value", function* () {
    expect(() => createBoundedQueue({ capacity: 0 })).toThrow(
      /capacity must be a positive integer, received 0/,
    );
    expect(() => createBoundedQueue({ capacity: 2.5 })).toThrow(TypeError);
    expect(() => createBoundedQueue({} as { capacity: number })).toThrow(/received undefined/);
  });

  it("makes a producer wait while the queue is full", function* () {
    const queue = createBoundedQueue<number>({ capacity: 2 });
    let put = 0;
    const producer = yield* spawn(function* () {
      for (let i = 0; i < 4; i++) {
        yield* queue.put(i);
        put++;
      }
    });
    yield* letSpawnedRun();
    expect(put).toBe(2);
    expect(queue.size).toBe(2);
    expect(yield* queue.take()).toBe(0);
    yield* letSpawnedRun();
    expect(put).toBe(3);
    expect(queue.size).toBe(2);
    expect([yield* queue.take(), yield* queue.take(), yield* queue.take()]).toEqual([1, 2, 3]);
    yield* producer;
    expect(queue.size).toBe(0);
  });

  it("makes a consumer wait while the queue is empty", function* () {
    const queue = createBoundedQueue<string>({ capacity: 1 });
    const consumer = yield* spawn(() => queue.take());
    yield* letSpawnedRun();
    yield* queue.put("hello");
    expect(yield* consumer).toBe("hello");
  });

  it("lets consumers drain a closed queue and then ends them", function* () {
    const queue = createBoundedQueue<number>({ capacity: 3 });
    yield* queue.put(1);
    yield* queue.put(2);
    queue.close();
    expect(yield* queue.next()).toEqual({ done: false, value: 1 });
    expect(yield* queue.take()).toBe(2);
    expect(yield* queue.next()).toEqual({ done: true, value: undefined });
    expect(yield* failure(queue.take())).toBeInstanceOf(QueueClosedError);
    const error = (yield* failure(queue.put(3))) as QueueClosedError;
    expect(error.code).toBe("queue-closed");
    expect(error.item).toBe(3);
  });

  it("ends waiting consumers and fails waiting producers when closed", function* () {
    const empty = createBoundedQueue<number>({ capacity: 1 });
    const consumer = yield* spawn(() => empty.next());
    const full = createBoundedQueue<number>({ capacity: 1 });
    yield* full.put(1);
    const producer = yield* spawn(() => failure(full.put(2)));
    yield* letSpawnedRun();
    empty.close();
    full.close();
    expect(yield* consumer).toEqual({ done: true, value: undefined });
    expect(yield* producer).toBeInstanceOf(QueueClosedError);
    expect(yield* full.take()).toBe(1);
  });

  it("is a stream that each() consumes until it is closed", function* () {
    const queue = createBoundedQueue<number>({ capacity: 1 });
    yield* spawn(function* () {
      for (let i = 0; i < 3; i++) yield* queue.put(i);
      queue.close();
    });
    const seen: number[] = [];
    for (const n of yield* each(queue)) {
      seen.push(n);
      yield* each.next();
    }
    expect(seen).toEqual([0, 1, 2]);
  });

  it("skips a consumer that was halted while waiting", function* () {
    const queue = createBoundedQueue<string>({ capacity: 1 });
    const halted = yield* spawn(() => queue.take());
    const next = yield* spawn(() => queue.take());
    yield* letSpawnedRun();
    yield* halted.halt();
    yield* queue.put("item");
    expect(yield* next).toBe("item");
    expect(queue.size).toBe(0);
  });

  it("drops the item of a producer that was halted while waiting", function* () {
    const queue = createBoundedQueue<string>({ capacity: 1 });
    yield* queue.put("first");
    const halted = yield* spawn(() => queue.put("dropped"));
    const kept = yield* spawn(() => queue.put("kept"));
    yield* letSpawnedRun();
    yield* halted.halt();
    expect(yield* queue.take()).toBe("first");
    expect(yield* queue.take()).toBe("kept");
    yield* kept;
    expect(queue.size).toBe(0);
  });

  it("puts back an item handed to a consumer halted before it could run", function* () {
    const queue = createBoundedQueue<string>({ capacity: 1 });
    let got: string | undefined;
    const consumer: Task<string> = yield* spawn(function* () {
      got = yield* queue.take();
      return got;
    });
    yield* letSpawnedRun();
    const producer = yield* spawn(function* () {
      yield* queue.put("precious");
      // The item has just been handed to the consumer, which has not run yet.
      yield* consumer.halt();
    });
    yield* producer;
    expect(got).toBeUndefined();
    expect(queue.size).toBe(1);
    expect(yield* queue.take()).toBe("precious");
  });
});
