import { expect } from "vitest";
import { createEvent } from "./event.js";
import { createLock } from "./lock.js";
import { scoped } from "./scoped.js";
import { spawn } from "./spawn.js";
import { describe, it } from "./test/mod.js";
import type { Task } from "./types.js";

describe("createLock()", () => {
  it("lets one holder in at a time, in arrival order", function* () {
    const lock = createLock();
    const gate = createEvent();
    const log: string[] = [];
    const tasks: Task<void>[] = [];
    for (const name of ["a", "b", "c"]) {
      tasks.push(
        yield* spawn(() =>
          lock.withLock(function* () {
            log.push(`${name} in`);
            yield* gate.wait();
            log.push(`${name} out`);
          }),
        ),
      );
    }
    gate.set();
    for (const task of tasks) yield* task;
    expect(log).toEqual(["a in", "a out", "b in", "b out", "c in", "c out"]);
    expect(lock.locked).toBe(false);
  });

  it("is locked while acquired and unlocked when the scope ends", function* () {
    const lock = createLock();
    yield* scoped(function* () {
      yield* lock.acquire();
      expect(lock.locked).toBe(true);
    });
    expect(lock.locked).toBe(false);
  });
});
