import { expect } from "vitest";
import { createBoundedQueue } from "./bounded-queue.js";
import { createEvent } from "./event.js";
import { caught as failure } from "./fixtures/caught.js";
import { mapConcurrent } from "./map-concurrent.js";
import { scoped } from "./scoped.js";
import { spawn } from "./spawn.js";
import { stream } from "./stream.js";
import { suspend } from "./suspend.js";
import { describe, it } from "./test/mod.js";
import type { Operation, Stream, Subscription } from "./types.js";
import { until } from "./until.js";

/** Give way to other tasks without a timer: resume after a microtask. */
function* pass(): Operation<void> {
  yield* until(Promise.resolve());
}

describe("mapConcurrent()", () => {
  it("rejects a concurrency that is not a positive integer, naming the value", function* () {
    const fn = function* (n: number) {
      return n;
    };
    expect(() => mapConcurrent([1], { concurrency: 0 }, fn)).toThrow(
      /concurrency must be a positive integer, received 0/,
    );
    expect(() => mapConcurrent([1], { concurrency: Number.POSITIVE_INFINITY }, fn)).toThrow(
      /received Infinity/,
    );
  });

  it("never runs more than `concurrency` items at once and keeps input order", function* () {
    let active = 0;
    let most = 0;
    const items = Array.from({ length: 20 }, (_, i) => i);
    const results = yield* mapConcurrent(items, { concurrency: 3 }, function* (n) {
      active++;
      most = Math.max(most, active);
      for (let i = 0; i < 20 - n; i++) yield* pass();
      active--;
      return n * 10;
    }).toArray();
    expect(results).toEqual(items.map((n) => n * 10));
    expect(most).toBe(3);
    expect(active).toBe(0);
  });

  it("emits results as they complete when not ordered", function* () {
    const lastDone = createEvent();
    const mapper = function* (n: number) {
      if (n === 0) yield* lastDone.wait();
      if (n === 2) lastDone.set();
      return n;
    };
    expect(
      yield* mapConcurrent([0, 1, 2], { concurrency: 3, ordered: false }, mapper).toArray(),
    ).toEqual([1, 2, 0]);
    lastDone.reset();
    expect(yield* mapConcurrent([0, 1, 2], { concurrency: 3 }, mapper).toArray()).toEqual([
      0, 1, 2,
    ]);
  });

  it("halts items in flight and closes the source on the first failure", function* () {
    let reads = 0;
    let sourceClosed = false;
    let inFlightHalted = false;
    function* source() {
      try {
        for (let i = 0; ; i++) {
          reads++;
          yield i;
        }
      } finally {
        sourceClosed = true;
      }
    }
    const boom = new Error("boom");
    const error = yield* failure(
      mapConcurrent(source(), { concurrency: 2 }, function* (n) {
        if (n === 1) throw boom;
        try {
          yield* suspend();
        } finally {
          inFlightHalted = true;
        }
      }).toArray(),
    );
    expect(error).toBe(boom);
    expect(inFlightHalted).toBe(true);
    expect(sourceClosed).toBe(true);
    expect(reads).toBeLessThanOrEqual(3);
  });

  it("yields a Result per item with settle", function* () {
    const results = yield* mapConcurrent(
      [1, 2, 3],
      { concurrency: 2, settle: true },
      function* (n) {
        if (n === 2) throw new Error("two");
        return n;
      },
    ).toArray();
    expect(results.map((r) => (r.ok ? r.value : r.error.message))).toEqual([1, "two", 3]);
  });

  it("reads an infinite source only as far as results are consumed", function* () {
    let reads = 0;
    let closed = false;
    function* naturals() {
      try {
        for (let i = 0; ; i++) {
          reads++;
          yield i;
        }
      } finally {
        closed = true;
      }
    }
    const firstThree = yield* scoped(function* () {
      const subscription = yield* mapConcurrent(naturals(), { concurrency: 2 }, function* (n) {
        yield* pass();
        return n * n;
      });
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) {
        const next = yield* subscription.next();
        if (!next.done) seen.push(next.value);
      }
      return seen;
    });
    expect(firstThree).toEqual([0, 1, 4]);
    expect(reads).toBeLessThanOrEqual(3 + 2 * 2);
    expect(closed).toBe(true);
  });

  it("reads async iterables and calls return() when stopped early", function* () {
    let returned = false;
    async function* numbers() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        returned = true;
      }
    }
    const seen = yield* scoped(function* () {
      const subscription = yield* mapConcurrent(numbers(), { concurrency: 2 }, function* (n) {
        return n + 1;
      });
      const first = yield* subscription.next();
      const second = yield* subscription.next();
      return [first.value, second.value];
    });
    expect(seen).toEqual([1, 2]);
    expect(returned).toBe(true);
  });

  it("reads Skein streams, a queue and a converted async iterable alike", function* () {
    const queue = createBoundedQueue<number>({ capacity: 3 });
    yield* queue.put(1);
    yield* queue.put(2);
    queue.close();
    const double = function* (n: number) {
      return n * 2;
    };
    expect(yield* mapConcurrent(queue, { concurrency: 2 }, double).toArray()).toEqual([2, 4]);
    async function* three() {
      yield 1;
      yield 2;
      yield 3;
    }
    expect(yield* mapConcurrent(stream(three()), { concurrency: 2 }, double).toArray()).toEqual([
      2, 4, 6,
    ]);
  });

  it("fails when the source throws", function* () {
    function* broken() {
      yield 1;
      throw new Error("source broke");
    }
    const error = yield* failure(
      mapConcurrent(broken(), { concurrency: 2 }, function* (n: number) {
        return n;
      }).toArray(),
    );
    expect((error as Error).message).toBe("source broke");
  });
  it("ends the tasks an item spawned when that item finishes, while others still run", function* () {
    const halted: number[] = [];
    const release = createEvent();
    const seen = yield* scoped(function* () {
      const subscription = yield* mapConcurrent([0, 1], { concurrency: 2 }, function* (n) {
        const started = createEvent();
        yield* spawn(function* () {
          try {
            started.set();
            yield* suspend();
          } finally {
            halted.push(n);
          }
        });
        yield* started.wait();
        if (n === 1) yield* release.wait();
        return n;
      });
      const first = yield* subscription.next();
      const haltedAfterFirst = [...halted];
      release.set();
      const second = yield* subscription.next();
      return { first: first.value, haltedAfterFirst, second: second.value };
    });
    expect(seen).toEqual({ first: 0, haltedAfterFirst: [0], second: 1 });
    expect(halted).toEqual([0, 1]);
  });

  it("fails only that item when a task it spawned fails, with settle", function* () {
    const results = yield* mapConcurrent(
      [1, 2, 3],
      { concurrency: 2, settle: true },
      function* (n) {
        if (n === 2) {
          yield* spawn(function* () {
            throw new Error("child of two");
          });
          yield* suspend();
        }
        return n;
      },
    ).toArray();
    expect(results.map((r) => (r.ok ? r.value : r.error.message))).toEqual([1, "child of two", 3]);
  });

  it("never reads a Skein stream from two workers at once", function* () {
    let reading = 0;
    let overlapped = false;
    let left = 6;
    const slow: Stream<number, void> = {
      *[Symbol.iterator]() {
        const subscription: Subscription<number, void> = {
          *next() {
            reading++;
            if (reading > 1) overlapped = true;
            yield* pass();
            reading--;
            return left > 0 ? { done: false, value: left-- } : { done: true, value: undefined };
          },
        };
        return subscription;
      },
    };
    const results = yield* mapConcurrent(slow, { concurrency: 3, ordered: false }, function* (n) {
      yield* pass();
      return n;
    }).toArray();
    expect(results.sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(overlapped).toBe(false);
  });
});
