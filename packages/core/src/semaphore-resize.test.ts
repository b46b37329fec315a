import { expect } from "vitest";
import { createLock } from "./lock.js";
import { createSemaphore } from "./semaphore.js";
import { spawn } from "./spawn.js";
import { suspend } from "./suspend.js";
import { describe, it, waitAllTasksBlocked } from "./test/mod.js";
import type { Task } from "./types.js";

describe("semaphore statistics() and resize()", () => {
  it("counts permits held, free and waited for", function* () {
    const semaphore = createSemaphore(2);
    for (let i = 0; i < 3; i++) yield* spawn(() => semaphore.withPermit(() => suspend()));
    yield* waitAllTasksBlocked();
    expect(semaphore.statistics()).toEqual({ permits: 2, available: 0, held: 2, waiting: 1 });
  });

  it("hands new permits to waiters when it grows", function* () {
    const semaphore = createSemaphore(1);
    let running = 0;
    for (let i = 0; i < 4; i++) {
      yield* spawn(() =>
        semaphore.withPermit(function* () {
          running++;
          yield* suspend();
        }),
      );
    }
    yield* waitAllTasksBlocked();
    expect(running).toBe(1);
    semaphore.resize(3);
    yield* waitAllTasksBlocked();
    expect(running).toBe(3);
    expect(semaphore.statistics()).toEqual({ permits: 3, available: 0, held: 3, waiting: 1 });
  });

  it("after shrinking, lets no one in until holders are below the new size", function* () {
    const semaphore = createSemaphore(3);
    const holders: Task<void>[] = [];
    for (let i = 0; i < 3; i++)
      holders.push(yield* spawn(() => semaphore.withPermit(() => suspend())));
    let waiterIn = false;
    yield* spawn(() =>
      semaphore.withPermit(function* () {
        waiterIn = true;
      }),
    );
    yield* waitAllTasksBlocked();
    semaphore.resize(1);
    expect(semaphore.statistics()).toEqual({ permits: 1, available: 0, held: 3, waiting: 1 });
    yield* holders[0]!.halt();
    yield* holders[1]!.halt();
    yield* waitAllTasksBlocked();
    expect(waiterIn).toBe(false);
    yield* holders[2]!.halt();
    yield* waitAllTasksBlocked();
    expect(waiterIn).toBe(true);
    expect(semaphore.statistics()).toEqual({ permits: 1, available: 1, held: 0, waiting: 0 });
  });

  it("rejects a size that is not a positive integer", function* () {
    expect(() => createSemaphore(2).resize(0)).toThrow(/permits must be a positive integer/);
  });
});

describe("lock statistics()", () => {
  it("tells whether the lock is held and how many wait", function* () {
    const lock = createLock();
    expect(lock.statistics()).toEqual({ locked: false, waiting: 0 });
    yield* spawn(() => lock.withLock(() => suspend()));
    yield* spawn(() => lock.withLock(() => suspend()));
    yield* waitAllTasksBlocked();
    expect(lock.statistics()).toEqual({ locked: true, waiting: 1 });
  });
});
