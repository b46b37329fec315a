import { expect } from "vitest";
import { createCondition } from "./condition.js";
import { spawn } from "./spawn.js";
import { describe, it, waitAllTasksBlocked } from "./test/mod.js";

describe("createCondition()", () => {
  it("wakes one waiter per notify(), longest waiter first", function* () {
    const condition = createCondition();
    const woke: string[] = [];
    for (const name of ["a", "b", "c"]) {
      yield* spawn(function* () {
        yield* condition.wait();
        woke.push(name);
      });
    }
    yield* waitAllTasksBlocked();
    expect(condition.waiting).toBe(3);
    condition.notify();
    yield* waitAllTasksBlocked();
    expect(woke).toEqual(["a"]);
    condition.notify(2);
    yield* waitAllTasksBlocked();
    expect(woke).toEqual(["a", "b", "c"]);
    expect(condition.waiting).toBe(0);
  });

  it("waitFor() returns only once the predicate holds after a notification", function* () {
    const condition = createCondition();
    let count = 0;
    const waiter = yield* spawn(function* () {
      yield* condition.waitFor(() => count >= 2);
      return count;
    });
    yield* waitAllTasksBlocked();
    count = 1;
    condition.notifyAll();
    yield* waitAllTasksBlocked();
    expect(condition.waiting).toBe(1);
    count = 2;
    condition.notifyAll();
    expect(yield* waiter).toBe(2);
  });

  it("lets a halted waiter leave so a notify() reaches the next one", function* () {
    const condition = createCondition();
    const first = yield* spawn(() => condition.wait());
    const second = yield* spawn(function* () {
      yield* condition.wait();
      return "second woke";
    });
    yield* waitAllTasksBlocked();
    yield* first.halt();
    expect(condition.waiting).toBe(1);
    condition.notify();
    expect(yield* second).toBe("second woke");
  });

  it("rejects a bad notify count with a TypeError", function* () {
    const condition = createCondition();
    expect(() => condition.notify(0)).toThrow(/n must be a positive integer, received 0/);
    expect(() => condition.waitFor(undefined as never)).toThrow(TypeError);
  });
});
