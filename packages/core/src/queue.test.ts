import { expect } from "vitest";
import { createQueue } from "./queue.js";
import { spawn } from "./spawn.js";
import { suspend } from "./suspend.js";
import { describe, it } from "./test/mod.js";
import { withResolvers } from "./with-resolvers.js";

describe("createQueue()", () => {
  it("hands out items in the order added, then the close value", function* () {
    const queue = createQueue<number, string>();
    queue.add(1);
    queue.add(2);
    queue.close("end");
    expect(yield* queue.next()).toEqual({ done: false, value: 1 });
    expect(yield* queue.next()).toEqual({ done: false, value: 2 });
    expect(yield* queue.next()).toEqual({ done: true, value: "end" });
  });

  it("wakes a waiting consumer when an item is added", function* () {
    const queue = createQueue<string, void>();
    const consumer = yield* spawn(function* () {
      return yield* queue.next();
    });
    yield* spawn(function* () {
      queue.add("item");
    });
    expect(yield* consumer).toEqual({ done: false, value: "item" });
  });

  it("does not give an item to a consumer that was halted while waiting", function* () {
    const queue = createQueue<string, void>();
    const waiting = withResolvers<void>();
    const halted = yield* spawn(function* () {
      waiting.resolve();
      yield* queue.next();
      yield* suspend();
    });
    yield* waiting.operation;
    yield* halted.halt();
    queue.add("for the next consumer");
    expect(yield* queue.next()).toEqual({ done: false, value: "for the next consumer" });
  });

  it("keeps an item handed to a consumer that is halted before it runs", function* () {
    const queue = createQueue<string, void>();
    const waiting = withResolvers<void>();
    const received: string[] = [];
    const consumer = yield* spawn(function* () {
      waiting.resolve();
      const item = yield* queue.next();
      received.push(item.value as string);
    });
    yield* waiting.operation;
    // The consumer is now waiting: the item goes to it, and it is halted before it can run.
    queue.add("first");
    const halting = consumer.halt();
    queue.add("second");
    yield* halting;
    expect(received).toEqual([]);
    expect(yield* queue.next()).toEqual({ done: false, value: "first" });
    expect(yield* queue.next()).toEqual({ done: false, value: "second" });
  });

  it("hands a kept item to the next consumer already waiting", function* () {
    const queue = createQueue<string, void>();
    const firstWaiting = withResolvers<void>();
    const secondWaiting = withResolvers<void>();
    const first = yield* spawn(function* () {
      firstWaiting.resolve();
      yield* queue.next();
    });
    yield* firstWaiting.operation;
    const second = yield* spawn(function* () {
      secondWaiting.resolve();
      return yield* queue.next();
    });
    yield* secondWaiting.operation;
    queue.add("only");
    yield* first.halt();
    expect(yield* second).toEqual({ done: false, value: "only" });
  });

  it("hands out 100k queued items in the order added, then the close value", function* () {
    const queue = createQueue<number, string>();
    const n = 100_000;
    for (let i = 0; i < n; i++) queue.add(i);
    queue.close("end");
    let outOfOrder = 0;
    for (let i = 0; i < n; i++) {
      const next = yield* queue.next();
      if (next.done || next.value !== i) outOfOrder++;
    }
    expect(outOfOrder).toBe(0);
    expect(yield* queue.next()).toEqual({ done: true, value: "end" });
  });

  it("keeps the order when items are added while earlier ones are being taken", function* () {
    const queue = createQueue<number, void>();
    const taken: number[] = [];
    let added = 0;
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < 3; i++) queue.add(added++);
      for (let i = 0; i < 2; i++) {
        const next = yield* queue.next();
        if (!next.done) taken.push(next.value);
      }
    }
    queue.close();
    for (let next = yield* queue.next(); !next.done; next = yield* queue.next()) {
      taken.push(next.value);
    }
    expect(taken).toEqual(Array.from({ length: added }, (_, i) => i));
  });
});
