import { expect } from "vitest";
import { asCompleted } from "./as-completed.js";
import { each } from "./each.js";
import { scoped } from "./scoped.js";
import { sleep } from "./sleep.js";
import { describe, it, useVirtualClock } from "./test/mod.js";
import type { Operation } from "./types.js";

function* valueAfter<T>(ms: number, value: T): Operation<T> {
  yield* sleep(ms);
  return value;
}

describe("asCompleted()", () => {
  it("streams results in the order the operations finish", function* () {
    yield* useVirtualClock({ autojump: true });
    const seen: string[] = [];
    for (const value of yield* each(
      asCompleted([valueAfter(30, "c"), valueAfter(10, "a"), valueAfter(20, "b")]),
    )) {
      seen.push(value);
      yield* each.next();
    }
    expect(seen).toEqual(["a", "b", "c"]);
  });

  it("throws a failure from the next() that reaches it", function* () {
    yield* useVirtualClock({ autojump: true });
    const seen: string[] = [];
    let caught: unknown;
    try {
      const failing = (function* (): Operation<string> {
        yield* sleep(20);
        throw new Error("second failed");
      })();
      for (const value of yield* each(
        asCompleted([valueAfter(10, "a"), failing, valueAfter(30, "c")]),
      )) {
        seen.push(value);
        yield* each.next();
      }
    } catch (error) {
      caught = error;
    }
    expect(seen).toEqual(["a"]);
    expect((caught as Error).message).toBe("second failed");
  });

  it("halts the operations still running when the consumer stops", function* () {
    const clock = yield* useVirtualClock({ autojump: true, start: 0 });
    const halted: string[] = [];
    function* tracked(ms: number, name: string): Operation<string> {
      try {
        yield* sleep(ms);
        return name;
      } finally {
        if (clock.now() < ms) halted.push(name);
      }
    }
    yield* scoped(function* () {
      for (const value of yield* each(
        asCompleted([tracked(10, "a"), tracked(50, "b"), tracked(90, "c")]),
      )) {
        expect(value).toBe("a");
        break;
      }
    });
    expect(halted.sort()).toEqual(["b", "c"]);
    expect(clock.now()).toBe(10);
  });

  it("ends at once for no operations", function* () {
    const subscription = yield* asCompleted([]);
    expect(yield* subscription.next()).toEqual({ done: true, value: undefined });
  });
});
