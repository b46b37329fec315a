import { expect } from "vitest";
import { createEvent } from "./event.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { suspend } from "./suspend.js";
import { TaskGroupError, taskGroup } from "./task-group.js";
import { describe, it } from "./test/mod.js";
import { TimeoutError, timeout } from "./timeout.js";
import type { Operation } from "./types.js";
import { withResolvers } from "./with-resolvers.js";

function* failure(operation: Operation<unknown>): Operation<unknown> {
  try {
    yield* operation;
  } catch (error) {
    return error;
  }
  throw new Error("expected the operation to fail");
}

describe("taskGroup()", () => {
  it("waits for every child before returning the body's value", function* () {
    const gate = createEvent();
    const finished: number[] = [];
    const value = yield* taskGroup(function* (group) {
      for (const n of [1, 2, 3]) {
        yield* group.spawn(function* () {
          yield* gate.wait();
          finished.push(n);
        });
      }
      gate.set();
      return "body";
    });
    expect(value).toBe("body");
    expect(finished).toEqual([1, 2, 3]);
  });

  it("halts the other children when one fails and throws a TaskGroupError", function* () {
    const boom = new Error("boom");
    let siblingHalted = false;
    const error = yield* failure(
      taskGroup(function* (group) {
        yield* group.spawn(function* () {
          try {
            yield* suspend();
          } finally {
            siblingHalted = true;
          }
        });
        yield* group.spawn(function* () {
          throw boom;
        });
      }),
    );
    expect(error).toBeInstanceOf(TaskGroupError);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as TaskGroupError).code).toBe("task-group");
    expect((error as TaskGroupError).errors).toEqual([boom]);
    expect(siblingHalted).toBe(true);
  });

  it("collects every failure, including those thrown while halting the others", function* () {
    const first = new Error("first");
    const cleanup = new Error("cleanup");
    const error = (yield* failure(
      taskGroup(function* (group) {
        yield* group.spawn(function* () {
          try {
            yield* suspend();
          } finally {
            // biome-ignore lint/correctness/noUnsafeFinally: a cleanup that fails
            throw cleanup;
          }
        });
        yield* group.spawn(function* () {
          throw first;
        });
      }),
    )) as TaskGroupError;
    expect(error.errors).toEqual([first, cleanup]);
    expect(error.message).toMatch(/2 failure\(s\).*first/);
  });

  it("halts a sibling woken with the first failure before it can fail too, as asyncio cancels it", function* () {
    const gate = createEvent();
    const resumed: string[] = [];
    const waiting: string[] = [];
    const bothWaiting = withResolvers<void>();
    const error = (yield* failure(
      taskGroup(function* (group) {
        for (const name of ["a", "b"]) {
          yield* group.spawn(function* () {
            waiting.push(name);
            if (waiting.length === 2) bothWaiting.resolve();
            yield* gate.wait();
            resumed.push(name);
            throw new Error(name);
          });
        }
        // Both children wait on the gate before it opens, so one set() wakes both.
        yield* bothWaiting.operation;
        gate.set();
      }),
    )) as TaskGroupError;
    // Both were woken by one set(); the first failure halts the other at its wait.
    expect(waiting).toEqual(["a", "b"]);
    expect(resumed).toEqual(["a"]);
    expect(error.errors.map((e) => (e as Error).message)).toEqual(["a"]);
  });

  it("halts the children and reports the body's own failure with theirs", function* () {
    const body = new Error("body");
    const cleanup = new Error("cleanup");
    const error = (yield* failure(
      taskGroup(function* (group) {
        const started = createEvent();
        yield* group.spawn(function* () {
          started.set();
          try {
            yield* suspend();
          } finally {
            // biome-ignore lint/correctness/noUnsafeFinally: a cleanup that fails
            throw cleanup;
          }
        });
        yield* started.wait();
        throw body;
      }),
    )) as TaskGroupError;
    expect(error.errors).toEqual([body, cleanup]);
  });

  it("halts its children without an error when the group itself is halted", function* () {
    const started = createEvent();
    let childHalted = false;
    const task = yield* spawn(() =>
      taskGroup(function* (group) {
        yield* group.spawn(function* () {
          started.set();
          try {
            yield* suspend();
          } finally {
            childHalted = true;
          }
        });
      }),
    );
    yield* started.wait();
    yield* task.halt();
    expect(childHalted).toBe(true);
  });

  it("a task that caught a TaskGroupError can still be halted, and its finally runs", function* () {
    const log: string[] = [];
    const recovered = createEvent();
    const task = yield* spawn(function* () {
      try {
        yield* taskGroup(function* (group) {
          yield* group.spawn(function* () {
            yield* sleep(1);
            throw new Error("x");
          });
          yield* suspend();
        });
      } catch (error) {
        log.push(`caught ${(error as TaskGroupError).errors.length}`);
      }
      try {
        recovered.set();
        yield* suspend();
      } finally {
        log.push("finally");
      }
    });
    yield* recovered.wait();
    yield* task.halt();
    expect(log).toEqual(["caught 1", "finally"]);
  });

  it("a timeout around a caught TaskGroupError still fires", function* () {
    const error = yield* failure(
      timeout(
        5,
        (function* () {
          try {
            yield* taskGroup(function* (group) {
              yield* group.spawn(function* () {
                throw new Error("x");
              });
              yield* suspend();
            });
          } catch {}
          yield* suspend();
        })(),
      ),
    );
    expect(error).toBeInstanceOf(TimeoutError);
  });
});
