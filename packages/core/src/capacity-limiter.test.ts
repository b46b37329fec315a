import { expect } from "vitest";
import { CapacityLimiterError, createCapacityLimiter } from "./capacity-limiter.js";
import { scoped } from "./scoped.js";
import { spawn } from "./spawn.js";
import { suspend } from "./suspend.js";
import { describe, it, waitAllTasksBlocked } from "./test/mod.js";

describe("createCapacityLimiter()", () => {
  it("lends at most totalTokens and reports who borrows and who waits", function* () {
    const limiter = createCapacityLimiter(2);
    for (const name of ["a", "b", "c"]) {
      yield* spawn(() => limiter.withToken(() => suspend(), name));
    }
    yield* waitAllTasksBlocked();
    expect(limiter.statistics()).toEqual({
      totalTokens: 2,
      borrowedTokens: 2,
      borrowers: ["a", "b"],
      tasksWaiting: 1,
    });
    expect(limiter.availableTokens).toBe(0);
  });

  it("hands new tokens to waiters when totalTokens grows", function* () {
    const limiter = createCapacityLimiter(1);
    for (const name of ["a", "b", "c"]) {
      yield* spawn(() => limiter.withToken(() => suspend(), name));
    }
    yield* waitAllTasksBlocked();
    limiter.totalTokens = 3;
    yield* waitAllTasksBlocked();
    expect(limiter.statistics().borrowers).toEqual(["a", "b", "c"]);
    expect(limiter.statistics().tasksWaiting).toBe(0);
  });

  it("takes no new borrowers after shrinking until enough tokens come back", function* () {
    const limiter = createCapacityLimiter(2);
    const a = yield* spawn(() => limiter.withToken(() => suspend(), "a"));
    yield* spawn(() => limiter.withToken(() => suspend(), "b"));
    yield* waitAllTasksBlocked();
    limiter.totalTokens = 1;
    yield* spawn(() => limiter.withToken(() => suspend(), "c"));
    yield* waitAllTasksBlocked();
    yield* a.halt();
    yield* waitAllTasksBlocked();
    expect(limiter.statistics().borrowers).toEqual(["b"]);
    expect(limiter.statistics().tasksWaiting).toBe(1);
  });

  it("borrows for the current task with acquire() until its scope ends", function* () {
    const limiter = createCapacityLimiter(1);
    yield* scoped(function* () {
      yield* limiter.acquire();
      expect(limiter.borrowedTokens).toBe(1);
      const [borrower] = limiter.statistics().borrowers;
      expect(borrower).toHaveProperty("halt");
    });
    expect(limiter.borrowedTokens).toBe(0);
  });

  it("refuses a second token for the same borrower with a CapacityLimiterError", function* () {
    const limiter = createCapacityLimiter(3);
    let caught: unknown;
    try {
      yield* limiter.withToken(() => limiter.withToken(function* () {}, "me"), "me");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CapacityLimiterError);
    expect(caught).toMatchObject({ code: "already-borrowing", borrower: "me" });
    expect(limiter.borrowedTokens).toBe(0);
  });

  it("passes a token granted to a waiter halted before it ran on to the next", function* () {
    const limiter = createCapacityLimiter(1);
    const holder = yield* spawn(() => limiter.withToken(() => suspend(), "holder"));
    const doomed = yield* spawn(() => limiter.withToken(() => suspend(), "doomed"));
    const next = yield* spawn(() => limiter.withToken(() => suspend(), "next"));
    yield* waitAllTasksBlocked();
    // Free the token and halt its heir in the same step, before the heir runs.
    yield* scoped(function* () {
      holder.halt();
      doomed.halt();
    });
    yield* waitAllTasksBlocked();
    expect(limiter.statistics().borrowers).toEqual(["next"]);
    yield* next.halt();
    expect(limiter.borrowedTokens).toBe(0);
    expect(limiter.availableTokens).toBe(1);
  });

  it("rejects a token count that is not a positive integer", function* () {
    expect(() => createCapacityLimiter(0)).toThrow(/totalTokens must be a positive integer/);
    const limiter = createCapacityLimiter(1);
    expect(() => {
      limiter.totalTokens = -1;
    }).toThrow(TypeError);
  });
});
