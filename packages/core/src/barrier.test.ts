import { expect } from "vitest";
import { createBarrier } from "./barrier.js";
import { spawn } from "./spawn.js";
import { describe, it, waitAllTasksBlocked } from "./test/mod.js";
import type { Task } from "./types.js";

describe("createBarrier()", () => {
  it("holds every party until the last arrives, then releases them with their places", function* () {
    const barrier = createBarrier(3);
    const passed: string[] = [];
    const tasks: Task<number>[] = [];
    for (const name of ["a", "b", "c"]) {
      tasks.push(
        yield* spawn(function* () {
          const place = yield* barrier.wait();
          passed.push(name);
          return place;
        }),
      );
      yield* waitAllTasksBlocked();
      if (name !== "c") expect(passed).toEqual([]);
    }
    const places = [];
    for (const task of tasks) places.push(yield* task);
    expect(places).toEqual([0, 1, 2]);
    expect(passed.sort()).toEqual(["a", "b", "c"]);
  });

  it("starts a new round after releasing one", function* () {
    const barrier = createBarrier(2);
    for (let round = 0; round < 3; round++) {
      const other = yield* spawn(() => barrier.wait());
      yield* waitAllTasksBlocked();
      expect(barrier.waiting).toBe(1);
      expect(yield* barrier.wait()).toBe(1);
      expect(yield* other).toBe(0);
      expect(barrier.waiting).toBe(0);
    }
  });

  it("lets a halted waiter leave the round, which then needs another arrival", function* () {
    const barrier = createBarrier(2);
    const quitter = yield* spawn(() => barrier.wait());
    yield* waitAllTasksBlocked();
    yield* quitter.halt();
    expect(barrier.waiting).toBe(0);
    const stayer = yield* spawn(() => barrier.wait());
    yield* waitAllTasksBlocked();
    expect(barrier.waiting).toBe(1);
    yield* barrier.wait();
    expect(yield* stayer).toBe(0);
  });

  it("rejects a party count that is not a positive integer", function* () {
    expect(() => createBarrier(0)).toThrow(/parties must be a positive integer, received 0/);
    expect(() => createBarrier(1.5)).toThrow(TypeError);
  });
});
