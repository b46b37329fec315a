import { expect } from "vitest";
import { arrayStream } from "./fixtures/array-stream.js";
import { caught } from "./fixtures/caught.js";
import { pipe } from "./pipe.js";
import { scoped } from "./scoped.js";
import { batch } from "./stream-batch.js";
import { buffer } from "./stream-buffer.js";
import { merge } from "./stream-merge.js";
import { take, takeWhile } from "./stream-take.js";
import { debounce, throttle } from "./stream-throttle.js";
import { filter, map } from "./stream-transform.js";
import { describe, it, useVirtualClock, waitAllTasksBlocked } from "./test/mod.js";
import type { Operation, Stream } from "./types.js";

function* drain<T, R>(stream: Stream<T, R>): Operation<{ items: T[]; end: R }> {
  const subscription = yield* stream;
  const items: T[] = [];
  for (;;) {
    const next = yield* subscription.next();
    if (next.done) return { items, end: next.value };
    items.push(next.value);
  }
}

describe("map() and filter()", () => {
  it("transform items one at a time, reading no further than asked", function* () {
    const log: string[] = [];
    yield* scoped(function* () {
      const doubled = yield* pipe(
        arrayStream([1, 2, 3, 4], log),
        filter(function* (n: number) {
          return n % 2 === 0;
        }),
        map(function* (n: number) {
          return n * 10;
        }),
      );
      expect(yield* doubled.next()).toEqual({ done: false, value: 20 });
      expect(log).toEqual(["read 1", "read 2"]);
    });
    expect(log).toEqual(["read 1", "read 2", "closed"]);
  });

  it("pass the end value through", function* () {
    const log: string[] = [];
    const result = yield* drain(
      pipe(
        arrayStream([1, 2], log, { end: "fin" }),
        map(function* (n: number) {
          return String(n);
        }),
      ),
    );
    expect(result).toEqual({ items: ["1", "2"], end: "fin" });
  });
});

describe("take() and takeWhile()", () => {
  it("take() ends after n items and closes the upstream with its scope", function* () {
    const log: string[] = [];
    const result = yield* scoped(() => drain(pipe(arrayStream([1, 2, 3, 4], log), take(2))));
    expect(result).toEqual({ items: [1, 2], end: undefined });
    expect(log).toEqual(["read 1", "read 2", "closed"]);
  });

  it("takeWhile() ends at the first item that fails the test", function* () {
    const log: string[] = [];
    const result = yield* drain(
      pipe(
        arrayStream([1, 2, 9, 3], log),
        takeWhile((n: number) => n < 5),
      ),
    );
    expect(result.items).toEqual([1, 2]);
  });

  it("take() rejects a negative count", function* () {
    expect(() => take(-1)).toThrow(/count must be a non-negative integer/);
  });
});

describe("batch()", () => {
  it("groups by size and sends the rest before the end", function* () {
    const log: string[] = [];
    const result = yield* drain(pipe(arrayStream([1, 2, 3, 4, 5], log), batch({ size: 2 })));
    expect(result).toEqual({ items: [[1, 2], [3, 4], [5]], end: "end" });
  });

  it("sends a batch when its time is up, on the scope's clock", function* () {
    const clock = yield* useVirtualClock({ autojump: true, start: 0 });
    const log: string[] = [];
    const sent: [number[], number][] = [];
    const subscription = yield* pipe(
      arrayStream([1, 2, 3, 4, 5, 6], log, { gapMs: 40 }),
      batch({ size: 10, timeMs: 100 }),
    );
    for (let i = 0; i < 2; i++) {
      const next = yield* subscription.next();
      if (!next.done) sent.push([next.value, clock.now()]);
    }
    // items at 40, 80, 120, ...: the first batch opens at 40 and closes at 140
    expect(sent).toEqual([
      [[1, 2, 3], 140],
      [[4, 5, 6], 260],
    ]);
  });

  it("reports a failure after the batch before it", function* () {
    const log: string[] = [];
    const subscription = yield* pipe(
      arrayStream([1, 2, 3], log, { failWith: new Error("source broke") }),
      batch({ size: 2 }),
    );
    expect(yield* subscription.next()).toEqual({ done: false, value: [1, 2] });
    expect(yield* subscription.next()).toEqual({ done: false, value: [3] });
    expect(((yield* caught(subscription.next())) as Error).message).toBe("source broke");
  });

  it("rejects options that never send a batch", function* () {
    expect(() => batch({})).toThrow(/give a size, a timeMs, or both/);
    expect(() => batch({ size: 0 })).toThrow(/size must be a positive integer/);
  });
});

describe("merge()", () => {
  it("interleaves items as they arrive and ends when every source has", function* () {
    yield* useVirtualClock({ autojump: true, start: 0 });
    const log: string[] = [];
    const result = yield* drain(
      merge([
        arrayStream(["a1", "a2"], log, { gapMs: 30 }),
        arrayStream(["b1", "b2"], log, { gapMs: 20 }),
      ]),
    );
    // b1 at 20, a1 at 30, b2 at 40, a2 at 60
    expect(result).toEqual({ items: ["b1", "a1", "b2", "a2"], end: undefined });
  });

  it("closes every source when the consumer's scope ends", function* () {
    const log: string[] = [];
    yield* scoped(function* () {
      const merged = yield* merge([arrayStream([1, 2, 3], log), arrayStream([4, 5, 6], log)]);
      yield* merged.next();
    });
    expect(log.filter((l) => l === "closed")).toEqual(["closed", "closed"]);
  });
});

describe("buffer()", () => {
  it("reads ahead up to its size while the consumer is busy, and no further", function* () {
    const log: string[] = [];
    yield* scoped(function* () {
      const buffered = yield* pipe(arrayStream([1, 2, 3, 4, 5, 6, 7, 8], log), buffer(3));
      expect(yield* buffered.next()).toEqual({ done: false, value: 1 });
      yield* waitAllTasksBlocked();
      // 1 taken, 2 3 4 held, 5 in the reader's hands waiting for room
      expect(log).toEqual(["read 1", "read 2", "read 3", "read 4", "read 5"]);
    });
    expect(log.at(-1)).toBe("closed");
  });
});

describe("throttle() and debounce()", () => {
  it("throttle() spaces items by at least ms", function* () {
    const clock = yield* useVirtualClock({ autojump: true, start: 0 });
    const log: string[] = [];
    const subscription = yield* pipe(arrayStream([1, 2, 3], log), throttle(1_000));
    const at: number[] = [];
    for (let i = 0; i < 3; i++) {
      yield* subscription.next();
      at.push(clock.now());
    }
    expect(at).toEqual([0, 1_000, 2_000]);
  });

  it("debounce() passes an item only after a quiet spell, and the last before the end", function* () {
    yield* useVirtualClock({ autojump: true, start: 0 });
    const log: string[] = [];
    // items 10 ms apart: with 25 ms of quiet needed, only the last one passes
    const result = yield* drain(pipe(arrayStream([1, 2, 3, 4], log, { gapMs: 10 }), debounce(25)));
    expect(result).toEqual({ items: [4], end: "end" });
    const spaced = yield* drain(pipe(arrayStream([1, 2], [], { gapMs: 50 }), debounce(25)));
    expect(spaced.items).toEqual([1, 2]);
  });
});

describe("pipe()", () => {
  it("applies operators left to right", function* () {
    expect(
      pipe(
        2,
        (n: number) => n + 1,
        (n: number) => n * 10,
      ),
    ).toBe(30);
    expect(() => pipe(1, undefined as never)).toThrow(/every operator must be a function/);
  });
});
