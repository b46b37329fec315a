import { expect } from "vitest";
import { createEvent } from "./event.js";
import { spawn } from "./spawn.js";
import { describe, it } from "./test/mod.js";
import type { Task } from "./types.js";

describe("createEvent()", () => {
  it("wakes every waiter when set", function* () {
    const event = createEvent();
    const woken: number[] = [];
    const tasks: Task<void>[] = [];
    for (let i = 0; i < 3; i++) {
      tasks.push(
        yield* spawn(function* () {
          yield* event.wait();
          woken.push(i);
        }),
      );
    }
    expect(event.isSet).toBe(false);
    event.set();
    for (const task of tasks) yield* task;
    expect(woken).toEqual([0, 1, 2]);
    expect(event.isSet).toBe(true);
  });

  it("returns at once while set and blocks again after reset", function* () {
    const event = createEvent();
    event.set();
    yield* event.wait();
    event.reset();
    expect(event.isSet).toBe(false);
    let passed = false;
    const waiter = yield* spawn(function* () {
      yield* event.wait();
      passed = true;
    });
    const probe = createEvent();
    yield* spawn(function* () {
      probe.set();
    });
    yield* probe.wait();
    expect(passed).toBe(false);
    event.set();
    yield* waiter;
    expect(passed).toBe(true);
  });

  it("forgets a waiter that was halted", function* () {
    const event = createEvent();
    let woke = false;
    const waiter = yield* spawn(function* () {
      yield* event.wait();
      woke = true;
    });
    const probe = createEvent();
    yield* spawn(function* () {
      probe.set();
    });
    yield* probe.wait();
    yield* waiter.halt();
    event.set();
    expect(woke).toBe(false);
  });
});
