import { expect } from "vitest";
import { createChannel } from "./channel.js";
import { createSignal } from "./signal.js";
import { spawn } from "./spawn.js";
import { describe, it } from "./test/mod.js";

describe("createChannel()", () => {
  it("does not send to a subscription its serially re-subscribing consumer has moved on from", function* () {
    // The consumer takes one message per fresh subscription and never reads an old one again.
    // When send() did not pause the sender, messages 2 and 3 went to the first subscription
    // before the consumer had subscribed again, and the consumer waited forever.
    const channel = createChannel<number, void>();
    const subscribed = createSignal<void, never>();
    const ready = yield* subscribed;
    yield* spawn(function* () {
      yield* ready.next();
      for (const n of [1, 2, 3]) yield* channel.send(n);
    });
    const seen: number[] = [];
    while (seen.length < 3) {
      const subscription = yield* channel;
      subscribed.send();
      const next = yield* subscription.next();
      seen.push(next.value as number);
    }
    expect(seen).toEqual([1, 2, 3]);
  });

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
