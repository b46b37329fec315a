import { expect } from "vitest";
import { lift } from "./lift.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { describe, it } from "./test/mod.js";
import { withResolvers } from "./with-resolvers.js";

describe("lift()", () => {
  it("calls the function only when the operation is evaluated", function* () {
    const calls: number[] = [];
    const record = lift((n: number) => {
      calls.push(n);
      return n * 2;
    });
    const operation = record(4);
    expect(calls).toEqual([]);
    expect(yield* operation).toBe(8);
    expect(yield* operation).toBe(8);
    expect(calls).toEqual([4, 4]);
  });

  it("throws what the function throws", function* () {
    const fail = lift(() => {
      throw new Error("lifted failure");
    });
    let message = "";
    try {
      yield* fail();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe("lifted failure");
  });

  it("pauses the caller so that a sibling waiting to run overtakes it", function* () {
    const events: string[] = [];
    const note = lift((event: string) => events.push(event));
    for (const name of ["a", "b"]) {
      yield* spawn(function* () {
        yield* note(`${name} 1`);
        yield* note(`${name} 2`);
      });
    }
    yield* sleep(0);
    expect(events).toEqual(["a 1", "b 1", "a 2", "b 2"]);
  });

  it("lets the caller be halted between the call and its resumption", function* () {
    const events: string[] = [];
    const called = withResolvers<void>();
    const child = yield* spawn(function* () {
      yield* lift(() => called.resolve())();
      events.push("child resumed");
    });
    yield* called.operation;
    yield* child.halt();
    expect(events).toEqual([]);
  });

  it("throws what the function throws after the pause, not during the call", function* () {
    const events: string[] = [];
    yield* spawn(function* () {
      try {
        yield* lift(() => {
          throw new Error("late");
        })();
      } catch (error) {
        events.push(`a caught ${(error as Error).message}`);
      }
    });
    yield* spawn(function* () {
      events.push("b ran");
    });
    yield* sleep(0);
    expect(events).toEqual(["b ran", "a caught late"]);
  });
});
