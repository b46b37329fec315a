import { expect } from "vitest";
import { createScope, useScope } from "./scope.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { describe, it, useVirtualClock } from "./test/mod.js";
import type { Operation, Task } from "./types.js";
import { wait } from "./wait.js";

/** Tasks are iterable: compare them by identity, not with toEqual (which would iterate them). */
function expectSame(actual: readonly Task<unknown>[], expected: readonly Task<unknown>[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((task, i) => {
    expect(task).toBe(expected[i]);
  });
}

function* valueAfter<T>(ms: number, value: T): Operation<T> {
  yield* sleep(ms);
  return value;
}

function* failAfter(ms: number, message: string): Operation<string> {
  yield* sleep(ms);
  throw new Error(message);
}

describe("wait()", () => {
  it("returns at the first completion and leaves the others running", function* () {
    const clock = yield* useVirtualClock({ autojump: true, start: 0 });
    const fast = yield* spawn(() => valueAfter(10, "fast"));
    const slow = yield* spawn(() => valueAfter(50, "slow"));
    const { done, pending } = yield* wait([slow, fast]);
    expectSame(done, [fast]);
    expectSame(pending, [slow]);
    expect(clock.now()).toBe(10);
    expect(yield* slow).toBe("slow");
    expect(clock.now()).toBe(50);
  });

  it("with first-error, returns at the first failure", function* () {
    const clock = yield* useVirtualClock({ autojump: true, start: 0 });
    // A scope of their own, which leaves failures to whoever joins the task, like asyncio.
    const scope = createScope(yield* useScope());
    const ok = scope.run(() => valueAfter(10, "ok"));
    const bad = scope.run(() => failAfter(20, "bad"));
    const later = scope.run(() => valueAfter(30, "later"));
    const { done, pending } = yield* wait([ok, bad, later], { returnWhen: "first-error" });
    expectSame(done, [ok, bad]);
    expectSame(pending, [later]);
    expect(clock.now()).toBe(20);
    let caught: unknown;
    try {
      yield* bad;
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).toBe("bad");
    expect(yield* later).toBe("later");
  });

  it("with first-error and no failure, waits for all", function* () {
    yield* useVirtualClock({ autojump: true });
    const a = yield* spawn(() => valueAfter(10, "a"));
    const b = yield* spawn(() => valueAfter(20, "b"));
    const { done, pending } = yield* wait([a, b], { returnWhen: "first-error" });
    expectSame(done, [a, b]);
    expectSame(pending, []);
  });

  it("counts a halted task as finished, not failed", function* () {
    yield* useVirtualClock({ autojump: true });
    const doomed = yield* spawn(() => valueAfter(100, "never"));
    const b = yield* spawn(() => valueAfter(20, "b"));
    yield* spawn(function* () {
      yield* sleep(10);
      yield* doomed.halt();
    });
    const result = yield* wait([doomed, b], { returnWhen: "all-completed" });
    expectSame(result.done, [doomed, b]);
  });

  it("rejects an empty list and an unknown returnWhen", function* () {
    expect(() => wait([])).toThrow(/must not be empty/);
    const task = yield* spawn(() => valueAfter(0, 1));
    expect(() => wait([task], { returnWhen: "soon" as never })).toThrow(/returnWhen/);
    yield* task;
  });
});
