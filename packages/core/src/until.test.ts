import { expect } from "vitest";
import { spawn } from "./spawn.js";
import { describe, it } from "./test/mod.js";
import { until } from "./until.js";
import { withResolvers } from "./with-resolvers.js";

describe("until()", () => {
  it("returns a promise's value", function* () {
    expect(yield* until(Promise.resolve(5))).toBe(5);
  });

  it("throws a promise's rejection", function* () {
    let message = "";
    try {
      yield* until(Promise.reject(new Error("no")));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe("no");
  });

  it("works with any thenable", function* () {
    const thenable: PromiseLike<string> = {
      // biome-ignore lint/suspicious/noThenProperty: a thenable is what is under test
      then(onfulfilled) {
        return Promise.resolve(onfulfilled?.("thenable") as never);
      },
    };
    expect(yield* until(thenable)).toBe("thenable");
  });

  it("ignores the promise's outcome once the task was halted", function* () {
    let settle: (value: string) => void = () => {};
    const promise = new Promise<string>((resolve) => {
      settle = resolve;
    });
    const started = withResolvers<void>();
    let seen: string | undefined;
    const task = yield* spawn(function* () {
      started.resolve();
      seen = yield* until(promise);
    });
    yield* started.operation;
    yield* task.halt();
    settle("late");
    yield* until(promise);
    expect(seen).toBeUndefined();
  });
});
