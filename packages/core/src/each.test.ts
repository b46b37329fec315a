import { EventEmitter } from "node:events";
import { expect } from "vitest";
import { createChannel } from "./channel.js";
import { each, IterationError } from "./each.js";
import { ensure } from "./ensure.js";
import { MissingContextError } from "./errors.js";
import { on } from "./events.js";
import { spawn } from "./spawn.js";
import { suspend } from "./suspend.js";
import { describe, it } from "./test/mod.js";
import type { Stream } from "./types.js";
import { type WithResolvers, withResolvers } from "./with-resolvers.js";

interface Tracker {
  subscribed: WithResolvers<void>;
  released: WithResolvers<void>;
}

/** `stream`, telling when a subscription exists and when its cleanup is done. */
function tracked<T, TClose>(stream: Stream<T, TClose>): Stream<T, TClose> & Tracker {
  const subscribed = withResolvers<void>();
  const released = withResolvers<void>();
  return {
    subscribed,
    released,
    *[Symbol.iterator]() {
      yield* ensure(() => released.resolve());
      const subscription = yield* stream;
      subscribed.resolve();
      return subscription;
    },
  };
}

describe("each()", () => {
  it("loops over every item until the stream closes", function* () {
    const channel = createChannel<number, void>();
    const stream = tracked(channel);
    yield* spawn(function* () {
      yield* stream.subscribed.operation;
      for (const n of [1, 2, 3]) yield* channel.send(n);
      yield* channel.close();
    });
    const seen: number[] = [];
    const items = yield* each(stream);
    for (const n of items) {
      seen.push(n);
      yield* each.next();
    }
    expect(seen).toEqual([1, 2, 3]);
  });

  it("releases its subscription when the stream closes", function* () {
    const channel = createChannel<number, void>();
    const stream = tracked(channel);
    yield* spawn(function* () {
      yield* stream.subscribed.operation;
      yield* channel.send(1);
      yield* channel.close();
    });
    const items = yield* each(stream);
    const seen: number[] = [];
    for (const n of items) {
      seen.push(n);
      yield* each.next();
    }
    yield* stream.released.operation;
    expect(seen).toEqual([1]);
  });

  it("releases its subscription and removes the listener when the loop ends with break", function* () {
    const emitter = new EventEmitter();
    const stream = tracked(on(emitter, "data"));
    yield* spawn(function* () {
      yield* stream.subscribed.operation;
      emitter.emit("data", "first");
      emitter.emit("data", "second");
    });
    const items = yield* each(stream);
    expect(emitter.listenerCount("data")).toBe(1);
    const seen: unknown[] = [];
    for (const args of items) {
      seen.push(args);
      break;
    }
    yield* stream.released.operation;
    expect(seen).toEqual([["first"]]);
    expect(emitter.listenerCount("data")).toBe(0);
  });

  it("supports nested loops, each.next() advancing the innermost", function* () {
    const outer = createChannel<string, void>();
    const inner = createChannel<number, void>();
    const outerStream = tracked(outer);
    const innerStream = tracked(inner);
    const seen: string[] = [];
    yield* spawn(function* () {
      yield* outerStream.subscribed.operation;
      yield* outer.send("a");
      yield* outer.close();
    });
    yield* spawn(function* () {
      yield* innerStream.subscribed.operation;
      yield* inner.send(1);
      yield* inner.send(2);
      yield* inner.close();
    });
    for (const letter of yield* each(outerStream)) {
      for (const n of yield* each(innerStream)) {
        seen.push(`${letter}${n}`);
        yield* each.next();
      }
      yield* each.next();
    }
    expect(seen).toEqual(["a1", "a2"]);
  });

  it("throws an IterationError when an iteration does not end with each.next()", function* () {
    const channel = createChannel<number, void>();
    const stream = tracked(channel);
    yield* spawn(function* () {
      yield* stream.subscribed.operation;
      yield* channel.send(1);
      yield* channel.send(2);
    });
    const items = yield* each(stream);
    let error: unknown;
    try {
      for (const _ of items) {
        // missing each.next()
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IterationError);
    expect((error as IterationError).code).toBe("iteration");
  });

  it("throws a MissingContextError with a clear message from each.next() outside of any loop", function* () {
    let error: unknown;
    try {
      yield* each.next();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MissingContextError);
    expect(error).toMatchObject({
      name: "MissingContextError",
      code: "missing-context",
      message: "each.next() was called outside of an each() loop",
    });
  });

  it("throws an IterationError from each.next() after the loop in its scope has ended", function* () {
    const channel = createChannel<number, void>();
    const stream = tracked(channel);
    yield* spawn(function* () {
      yield* stream.subscribed.operation;
      yield* channel.close();
    });
    for (const _ of yield* each(stream)) {
      yield* each.next();
    }
    let error: unknown;
    try {
      yield* each.next();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IterationError);
  });
  it("removes the listener when the looping task is halted mid-iteration", function* () {
    const emitter = new EventEmitter();
    const stream = tracked(on(emitter, "data"));
    const inLoop = withResolvers<void>();
    yield* spawn(function* () {
      yield* stream.subscribed.operation;
      emitter.emit("data", 1);
    });
    const task = yield* spawn(function* () {
      for (const _ of yield* each(stream)) {
        inLoop.resolve();
        yield* suspend();
        yield* each.next();
      }
    });
    yield* inLoop.operation;
    expect(emitter.listenerCount("data")).toBe(1);
    yield* task.halt();
    expect(emitter.listenerCount("data")).toBe(0);
  });
});
