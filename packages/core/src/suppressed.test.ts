import { expect } from "vitest";
import { all } from "./all.js";
import { caught } from "./fixtures/caught.js";
import { race } from "./race.js";
import { scoped } from "./scoped.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { suppressedErrors } from "./suppressed.js";
import { suspend } from "./suspend.js";
import { TaskGroupError, taskGroup } from "./task-group.js";
import { describe, it } from "./test/mod.js";
import type { Operation } from "./types.js";

/** A sibling whose cleanup throws `message` when it is halted. */
function* throwsInCleanup(message: string): Operation<never> {
  try {
    yield* suspend();
  } finally {
    // biome-ignore lint/correctness/noUnsafeFinally: the cleanup failure under test
    throw new Error(message);
  }
}

function* failsSoon(message: string): Operation<never> {
  yield* sleep(1);
  throw new Error(message);
}

describe("one error policy: the first failure is thrown, later cleanup failures are attached", () => {
  it("scoped() throws the original failure, not the cleanup error of a sibling it halted", function* () {
    const error = yield* caught(
      scoped(function* () {
        yield* spawn(() => throwsInCleanup("cleanup"));
        yield* spawn(() => failsSoon("original"));
        yield* suspend();
      }),
    );
    expect((error as Error).message).toBe("original");
    expect(suppressedErrors(error).map((e) => (e as Error).message)).toEqual(["cleanup"]);
  });

  it("all() throws the original failure, not the cleanup error of an operation it halted", function* () {
    const error = yield* caught(all([throwsInCleanup("cleanup"), failsSoon("original")]));
    expect((error as Error).message).toBe("original");
    expect(suppressedErrors(error).map((e) => (e as Error).message)).toEqual(["cleanup"]);
  });

  it("race() throws the original failure, not the cleanup error of a loser it halted", function* () {
    const error = yield* caught(race([throwsInCleanup("cleanup"), failsSoon("original")]));
    expect((error as Error).message).toBe("original");
    expect(suppressedErrors(error).map((e) => (e as Error).message)).toEqual(["cleanup"]);
  });

  it("a spawned task fails with the original failure and the cleanup error attached", function* () {
    const error = yield* caught(
      scoped(function* () {
        const task = yield* spawn(function* () {
          yield* spawn(() => throwsInCleanup("cleanup"));
          yield* spawn(() => failsSoon("original"));
          yield* suspend();
        });
        yield* task;
      }),
    );
    expect((error as Error).message).toBe("original");
    expect(suppressedErrors(error).map((e) => (e as Error).message)).toEqual(["cleanup"]);
  });

  it("taskGroup() puts the original failure first and the cleanup error after it", function* () {
    const error = yield* caught(
      taskGroup(function* (group) {
        yield* group.spawn(() => throwsInCleanup("cleanup"));
        yield* group.spawn(() => failsSoon("original"));
      }),
    );
    expect(error).toBeInstanceOf(TaskGroupError);
    expect((error as TaskGroupError).errors.map((e) => (e as Error).message)).toEqual([
      "original",
      "cleanup",
    ]);
  });

  it("the original failure of the body wins over a cleanup error in scoped()", function* () {
    const error = yield* caught(
      scoped(function* () {
        yield* spawn(() => throwsInCleanup("cleanup"));
        yield* sleep(1);
        throw new Error("original");
      }),
    );
    expect((error as Error).message).toBe("original");
    expect(suppressedErrors(error).map((e) => (e as Error).message)).toEqual(["cleanup"]);
  });

  it("gives no suppressed errors for values that are not objects", function* () {
    expect(suppressedErrors("a string")).toEqual([]);
    expect(suppressedErrors(undefined)).toEqual([]);
  });
});
