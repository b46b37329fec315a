import { expect } from "vitest";
import { createChannel } from "./channel.js";
import { spawn } from "./spawn.js";
import { describe, it } from "./test/mod.js";

describe("createChannel()", () => {
  it("delivers messages sent after a subscriber subscribed", function* () {
    const channel = createChannel<number, string>();
    yield* channel.send(0);
    const subscription = yield* channel;
    yield* channel.send(1);
    yield* channel.send(2);
    yield* channel.close("end");
    expect(yield* subscription.next()).toEqual({ done: false, value: 1 });
    expect(yield* subscription.next()).toEqual({ done: false, value: 2 });
    expect(yield* subscription.next()).toEqual({ done: true, value: "end" });
  });

  it("gives each subscriber only what was sent after it subscribed", function* () {
    const channel = createChannel<string, void>();
    const early = yield* channel;
    yield* channel.send("a");
    const late = yield* channel;
    yield* channel.send("b");
    expect(yield* early.next()).toEqual({ done: false, value: "a" });
    expect(yield* early.next()).toEqual({ done: false, value: "b" });
    expect(yield* late.next()).toEqual({ done: false, value: "b" });
  });

  it("wakes a subscriber waiting for the next message", function* () {
    const channel = createChannel<string, void>();
    const subscription = yield* channel;
    const reader = yield* spawn(function* () {
      return yield* subscription.next();
    });
    yield* spawn(function* () {
      yield* channel.send("hello");
    });
    expect(yield* reader).toEqual({ done: false, value: "hello" });
  });

  it("sends to nobody when there are no subscribers", function* () {
    const channel = createChannel<string, void>();
    yield* channel.send("lost");
    const subscription = yield* channel;
    yield* channel.send("kept");
    expect(yield* subscription.next()).toEqual({ done: false, value: "kept" });
  });
});
