import { expect } from "vitest";
import { each } from "./each.js";
import { scoped } from "./scoped.js";
import { stream, subscribe } from "./stream.js";
import { describe, it } from "./test/mod.js";

describe("stream()", () => {
  it("turns an async iterable into a stream ending with its return value", function* () {
    async function* letters() {
      yield "a";
      yield "b";
      return "end";
    }
    const subscription = yield* stream(letters());
    expect(yield* subscription.next()).toEqual({ done: false, value: "a" });
    expect(yield* subscription.next()).toEqual({ done: false, value: "b" });
    expect(yield* subscription.next()).toEqual({ done: true, value: "end" });
  });

  it("closes the iterator when the subscribing scope ends early", function* () {
    let closed = false;
    async function* forever() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    const seen: number[] = [];
    yield* scoped(function* () {
      for (const n of yield* each(stream(forever()))) {
        seen.push(n);
        if (seen.length === 2) break;
        yield* each.next();
      }
    });
    expect(seen).toEqual([0, 1]);
    expect(closed).toBe(true);
  });

  it("throws the iterator's error to the reader", function* () {
    async function* broken(): AsyncGenerator<number> {
      throw new Error("broken");
    }
    const subscription = yield* stream(broken());
    let caught: unknown;
    try {
      yield* subscription.next();
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).toBe("broken");
  });
});

describe("subscribe()", () => {
  it("reads an async iterator one result at a time", function* () {
    async function* one() {
      yield 1;
    }
    const subscription = subscribe(one());
    expect(yield* subscription.next()).toEqual({ done: false, value: 1 });
    expect((yield* subscription.next()).done).toBe(true);
  });
});
