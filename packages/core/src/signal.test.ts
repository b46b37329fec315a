import { expect } from "vitest";
import { createQueue } from "./queue.js";
import { scoped } from "./scoped.js";
import { createSignal, InvalidQueueFactoryError, SignalQueueFactory } from "./signal.js";
import { spawn } from "./spawn.js";
import { describe, it } from "./test/mod.js";

describe("createSignal()", () => {
  it("delivers values sent from plain code to every subscriber", function* () {
    const signal = createSignal<number, string>();
    const a = yield* signal;
    const b = yield* signal;
    signal.send(1);
    signal.close("done");
    expect(yield* a.next()).toEqual({ done: false, value: 1 });
    expect(yield* a.next()).toEqual({ done: true, value: "done" });
    expect(yield* b.next()).toEqual({ done: false, value: 1 });
    expect(yield* b.next()).toEqual({ done: true, value: "done" });
  });

  it("drops values sent before a subscriber subscribed", function* () {
    const signal = createSignal<number, void>();
    signal.send(1);
    const subscription = yield* signal;
    signal.send(2);
    expect(yield* subscription.next()).toEqual({ done: false, value: 2 });
  });

  it("stops delivering to a subscription once its scope has ended", function* () {
    const signal = createSignal<number, void>();
    const seen: number[] = [];
    yield* scoped(function* () {
      const subscription = yield* signal;
      signal.send(1);
      seen.push((yield* subscription.next()).value as number);
    });
    const subscription = yield* signal;
    signal.send(2);
    seen.push((yield* subscription.next()).value as number);
    expect(seen).toEqual([1, 2]);
  });

  it("wakes a waiting subscriber from a callback", function* () {
    const signal = createSignal<string, void>();
    const subscription = yield* signal;
    const reader = yield* spawn(function* () {
      return yield* subscription.next();
    });
    const timer = setTimeout(() => signal.send("tick"), 0);
    try {
      expect(yield* reader).toEqual({ done: false, value: "tick" });
    } finally {
      clearTimeout(timer);
    }
  });

  it("makes each subscription's queue with the SignalQueueFactory of the subscribing scope", function* () {
    const signal = createSignal<number, void>();
    const made: string[] = [];
    const plain = yield* signal;
    const evens = yield* scoped(function* () {
      yield* SignalQueueFactory.set(<T, TClose>() => {
        made.push("filtering");
        const queue = createQueue<T, TClose>();
        return { ...queue, add: (n: T) => ((n as number) % 2 === 0 ? queue.add(n) : undefined) };
      });
      // A resource outlives scoped() only through its value; read inside instead.
      const subscription = yield* signal;
      for (const n of [1, 2, 3, 4]) signal.send(n);
      signal.close();
      const seen: number[] = [];
      for (let next = yield* subscription.next(); !next.done; next = yield* subscription.next()) {
        seen.push(next.value);
      }
      return seen;
    });
    expect(made).toEqual(["filtering"]);
    expect(evens).toEqual([2, 4]);
    expect(yield* plain.next()).toEqual({ done: false, value: 1 });
  });

  it("hands the subscriber only next(), not its queue's add and close", function* () {
    const signal = createSignal<number, void>();
    const subscription = yield* signal;
    expect(Object.keys(subscription)).toEqual(["next"]);
  });

  it("throws an InvalidQueueFactoryError when SignalQueueFactory holds no function", function* () {
    const signal = createSignal<number, void>();
    const error = yield* scoped(function* () {
      yield* SignalQueueFactory.set(42 as never);
      try {
        yield* signal;
      } catch (caught) {
        return caught;
      }
      return undefined;
    });
    expect(error).toBeInstanceOf(InvalidQueueFactoryError);
    expect(error).toMatchObject({ code: "invalid-queue-factory", value: 42 });
  });
});
