import { expect } from "vitest";
import { createEvent } from "./event.js";
import { scoped } from "./scoped.js";
import { createSemaphore } from "./semaphore.js";
import { spawn } from "./spawn.js";
import { beforeEach, describe, it } from "./test/mod.js";
import type { Operation, Task } from "./types.js";

/** Let every task spawned so far take its first step: a task spawned now runs after them. */
function* letSpawnedRun(): Operation<void> {
  const ran = createEvent();
  yield* spawn(function* () {
    ran.set();
  });
  yield* ran.wait();
}

describe("createSemaphore()", () => {
  let order: string[] = [];
  beforeEach(function* () {
    order = [];
  });

  it("rejects permits that are not a positive integer, naming the value", function* () {
    expect(() => createSemaphore(0)).toThrow(TypeError);
    expect(() => createSemaphore(-1)).toThrow(/permits must be a positive integer, received -1/);
    expect(() => createSemaphore(1.5)).toThrow(/received 1.5/);
    expect(() => createSemaphore("2" as unknown as number)).toThrow(/received "2"/);
  });

  it("never lets more than the given number of holders run at once", function* () {
    const semaphore = createSemaphore(2);
    const gate = createEvent();
    let active = 0;
    let most = 0;
    const tasks: Task<void>[] = [];
    for (let i = 0; i < 5; i++) {
      tasks.push(
        yield* spawn(() =>
          semaphore.withPermit(function* () {
            active++;
            most = Math.max(most, active);
            yield* gate.wait();
            active--;
          }),
        ),
      );
    }
    yield* letSpawnedRun();
    expect(active).toBe(2);
    expect(semaphore.available).toBe(0);
    gate.set();
    for (const task of tasks) yield* task;
    expect(most).toBe(2);
    expect(semaphore.available).toBe(2);
  });

  it("serves waiters first in, first out", function* () {
    const semaphore = createSemaphore(1);
    const gate = createEvent();
    const holder = yield* spawn(() => semaphore.withPermit(() => gate.wait()));
    const tasks: Task<void>[] = [];
    for (const name of ["a", "b", "c"]) {
      tasks.push(
        yield* spawn(() =>
          semaphore.withPermit(function* () {
            order.push(name);
          }),
        ),
      );
    }
    yield* letSpawnedRun();
    expect(order).toEqual([]);
    gate.set();
    yield* holder;
    for (const task of tasks) yield* task;
    expect(order).toEqual(["a", "b", "c"]);
  });

  it("drops a halted waiter from the queue and gives the permit to the next one", function* () {
    const semaphore = createSemaphore(1);
    const release = createEvent();
    const holder = yield* spawn(() => semaphore.withPermit(() => release.wait()));
    const entered = createEvent();
    const leave = createEvent();
    const halted = yield* spawn(() =>
      semaphore.withPermit(function* () {
        order.push("halted waiter");
      }),
    );
    const next = yield* spawn(() =>
      semaphore.withPermit(function* () {
        order.push("next waiter");
        entered.set();
        yield* leave.wait();
      }),
    );
    yield* letSpawnedRun();
    yield* halted.halt();
    release.set();
    yield* holder;
    yield* entered.wait();
    expect(order).toEqual(["next waiter"]);
    expect(semaphore.available).toBe(0);
    leave.set();
    yield* next;
    expect(semaphore.available).toBe(1);
  });

  it("takes back a permit granted to a waiter halted before it could run", function* () {
    const semaphore = createSemaphore(1);
    const release = createEvent();
    let ran = false;
    let waiter: Task<void> | undefined;
    const holder = yield* spawn(function* () {
      yield* semaphore.withPermit(() => release.wait());
      // The permit has just been handed to the waiter, which has not run yet.
      yield* waiter!.halt();
    });
    yield* letSpawnedRun();
    waiter = yield* spawn(() =>
      semaphore.withPermit(function* () {
        ran = true;
      }),
    );
    yield* letSpawnedRun();
    release.set();
    yield* holder;
    expect(ran).toBe(false);
    expect(semaphore.available).toBe(1);
  });

  it("holds an acquired permit until the acquiring scope ends", function* () {
    const semaphore = createSemaphore(3);
    yield* scoped(function* () {
      yield* semaphore.acquire();
      yield* semaphore.acquire();
      expect(semaphore.available).toBe(1);
    });
    expect(semaphore.available).toBe(3);
  });

  it("returns the permit when the operation throws", function* () {
    const semaphore = createSemaphore(1);
    let caught: unknown;
    try {
      yield* semaphore.withPermit(function* () {
        throw new Error("boom");
      });
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).toBe("boom");
    expect(semaphore.available).toBe(1);
  });

  it("returns the value of the operation", function* () {
    const semaphore = createSemaphore(1);
    const value = yield* semaphore.withPermit(function* () {
      return 42;
    });
    expect(value).toBe(42);
  });
});
