import { EventEmitter } from "node:events";
import { expect } from "vitest";
import { on, once } from "./events.js";
import { scoped } from "./scoped.js";
import { spawn } from "./spawn.js";
import { describe, it } from "./test/mod.js";
import { withResolvers } from "./with-resolvers.js";

describe("on()", () => {
  it("streams an EventTarget's events and removes its listener when the scope ends", function* () {
    const target = new EventTarget();
    let added = 0;
    let removed = 0;
    const add = target.addEventListener.bind(target);
    const remove = target.removeEventListener.bind(target);
    target.addEventListener = (...args: Parameters<typeof add>) => {
      added++;
      add(...args);
    };
    target.removeEventListener = (...args: Parameters<typeof remove>) => {
      removed++;
      remove(...args);
    };
    const event = yield* scoped(function* () {
      const subscription = yield* on(target, "ping");
      target.dispatchEvent(new Event("ping"));
      return (yield* subscription.next()).value;
    });
    expect((event as Event).type).toBe("ping");
    expect([added, removed]).toEqual([1, 1]);
  });

  it("streams an EventEmitter's arguments and removes its listener when the scope ends", function* () {
    const emitter = new EventEmitter();
    const values = yield* scoped(function* () {
      const subscription = yield* on(emitter, "data");
      expect(emitter.listenerCount("data")).toBe(1);
      emitter.emit("data", "a", 1);
      emitter.emit("data", "b", 2);
      return [(yield* subscription.next()).value, (yield* subscription.next()).value];
    });
    expect(values).toEqual([
      ["a", 1],
      ["b", 2],
    ]);
    expect(emitter.listenerCount("data")).toBe(0);
  });

  it("removes its listener when the subscribing task is halted", function* () {
    const emitter = new EventEmitter();
    const subscribed = withResolvers<void>();
    const task = yield* spawn(function* () {
      const subscription = yield* on(emitter, "data");
      subscribed.resolve();
      yield* subscription.next();
    });
    yield* subscribed.operation;
    expect(emitter.listenerCount("data")).toBe(1);
    yield* task.halt();
    expect(emitter.listenerCount("data")).toBe(0);
  });
});

describe("once()", () => {
  it("receives an event emitted by another task while it was subscribing, then removes its listener", function* () {
    const emitter = new EventEmitter();
    const watching = withResolvers<void>();
    yield* spawn(function* () {
      const added = yield* on(emitter, "newListener");
      watching.resolve();
      yield* added.next();
      emitter.emit("ready", 42);
    });
    yield* watching.operation;
    const waiter = yield* spawn(function* () {
      return yield* once(emitter, "ready");
    });
    expect(yield* waiter).toEqual([42]);
    expect(emitter.listenerCount("ready")).toBe(0);
    expect(emitter.listenerCount("newListener")).toBe(0);
  });

  it("returns the next EventTarget event", function* () {
    const controller = new AbortController();
    const waiter = yield* spawn(function* () {
      return yield* once(controller.signal, "abort");
    });
    const timer = setTimeout(() => controller.abort(), 0);
    try {
      expect(((yield* waiter) as Event).type).toBe("abort");
    } finally {
      clearTimeout(timer);
    }
  });
});
