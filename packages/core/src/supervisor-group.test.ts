import { expect } from "vitest";
import { createEvent } from "./event.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { supervisorGroup } from "./supervisor-group.js";
import { suspend } from "./suspend.js";
import { describe, it } from "./test/mod.js";

describe("supervisorGroup()", () => {
  it("reports each failing child and lets its siblings finish", function* () {
    const reported: unknown[] = [];
    const gate = createEvent();
    const a = new Error("a");
    const b = new Error("b");
    let siblingFinished = false;
    const value = yield* supervisorGroup(
      { onError: (error) => reported.push(error) },
      function* (group) {
        yield* group.spawn(function* () {
          yield* gate.wait();
          siblingFinished = true;
        });
        yield* group.spawn(function* () {
          throw a;
        });
        yield* group.spawn(function* () {
          yield* gate.wait();
          throw b;
        });
        gate.set();
        return "done";
      },
    );
    expect(value).toBe("done");
    expect(reported).toEqual([a, b]);
    expect(siblingFinished).toBe(true);
  });

  it("fails and halts the children when onError throws", function* () {
    let halted = false;
    let caught: unknown;
    try {
      yield* supervisorGroup(
        {
          onError() {
            throw new Error("giving up");
          },
        },
        function* (group) {
          yield* group.spawn(function* () {
            try {
              yield* suspend();
            } finally {
              halted = true;
            }
          });
          yield* group.spawn(function* () {
            throw new Error("child");
          });
        },
      );
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).toBe("giving up");
    expect(halted).toBe(true);
  });

  it("throws the body's own failure as is after halting the children", function* () {
    let halted = false;
    let caught: unknown;
    const body = new Error("body");
    try {
      yield* supervisorGroup({ onError() {} }, function* (group) {
        const started = createEvent();
        yield* group.spawn(function* () {
          started.set();
          try {
            yield* suspend();
          } finally {
            halted = true;
          }
        });
        yield* started.wait();
        throw body;
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(body);
    expect(halted).toBe(true);
  });

  it("rejects options without an onError function", function* () {
    expect(() => supervisorGroup({} as { onError(error: unknown): void }, function* () {})).toThrow(
      /options.onError must be a function, received undefined/,
    );
  });

  it("a task that caught the error onError threw can still be halted, and its finally runs", function* () {
    const log: string[] = [];
    const recovered = createEvent();
    const task = yield* spawn(function* () {
      try {
        yield* supervisorGroup(
          {
            onError(error) {
              throw error;
            },
          },
          function* (group) {
            yield* group.spawn(function* () {
              yield* sleep(1);
              throw new Error("x");
            });
            yield* suspend();
          },
        );
      } catch (error) {
        log.push(`caught ${(error as Error).message}`);
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
    expect(log).toEqual(["caught x", "finally"]);
  });
});
