import { expect } from "vitest";
import { caught } from "./fixtures/caught.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { suspend } from "./suspend.js";
import { type TaskGroup, taskGroup } from "./task-group.js";
import { TaskStartError } from "./task-status.js";
import { describe, it, useVirtualClock, waitAllTasksBlocked } from "./test/mod.js";

describe("taskGroup() start()", () => {
  it("returns the value the child reports once ready, and the child runs on", function* () {
    const log: string[] = [];
    yield* taskGroup(function* (group) {
      const port = yield* group.start<number>(function* (status) {
        log.push("binding");
        status.started(8080);
        log.push("serving");
        yield* sleep(0);
        log.push("done");
      });
      log.push(`started on ${port}`);
    });
    expect(log).toEqual(["binding", "serving", "started on 8080", "done"]);
  });

  it("throws a failure before started() from start(), leaving the group running", function* () {
    const log: string[] = [];
    const value = yield* taskGroup(function* (group) {
      yield* group.spawn(function* () {
        yield* sleep(0);
        log.push("sibling finished");
      });
      const error = yield* caught(
        group.start(function* () {
          throw new Error("could not bind");
        }),
      );
      log.push(`caught ${(error as Error).message}`);
      return "group ok";
    });
    expect(value).toBe("group ok");
    expect(log).toEqual(["caught could not bind", "sibling finished"]);
  });

  it("fails the group for a failure after started()", function* () {
    const error = yield* caught(
      taskGroup(function* (group) {
        yield* group.start<void>(function* (status) {
          status.started();
          yield* sleep(0);
          throw new Error("crashed later");
        });
      }),
    );
    expect((error as AggregateError).errors.map((e: Error) => e.message)).toEqual([
      "crashed later",
    ]);
  });

  it("throws a TaskStartError when the child returns without calling started()", function* () {
    const error = yield* caught(
      taskGroup(function* (group) {
        yield* group.start(function* () {});
      }),
    );
    // Not caught in the body, it fails the group like any error of the body.
    const [first] = (error as AggregateError).errors;
    expect(first).toBeInstanceOf(TaskStartError);
    expect(first).toMatchObject({ code: "not-started" });
  });
});

describe("taskGroup() cancel()", () => {
  it("from outside the body halts the body and every child; the group returns undefined", function* () {
    const clock = yield* useVirtualClock({ autojump: true, start: 0 });
    const halted: string[] = [];
    let handle: TaskGroup | undefined;
    const owner = yield* spawn(() =>
      taskGroup(function* (group) {
        handle = group;
        for (const name of ["a", "b"]) {
          yield* group.spawn(function* () {
            try {
              yield* suspend();
            } finally {
              halted.push(name);
            }
          });
        }
        try {
          yield* sleep(60_000);
          return "body finished";
        } finally {
          halted.push("body");
        }
      }),
    );
    yield* waitAllTasksBlocked();
    handle!.cancel();
    expect(yield* owner).toBeUndefined();
    expect(halted).toEqual(["body", "b", "a"]);
    expect(clock.now()).toBe(0);
  });

  it("from inside the body stops it at its next yield; the task goes on after the group", function* () {
    const log: string[] = [];
    const result = yield* taskGroup(function* (group) {
      yield* group.spawn(() => suspend());
      group.cancel();
      log.push("synchronous code runs to the next yield");
      yield* suspend();
      log.push("not reached");
    });
    log.push("after the group");
    expect(result).toBeUndefined();
    expect(log).toEqual(["synchronous code runs to the next yield", "after the group"]);
  });

  it("does nothing once the group has ended", function* () {
    let handle: TaskGroup | undefined;
    const value = yield* taskGroup(function* (group) {
      handle = group;
      return 1;
    });
    handle!.cancel();
    expect(value).toBe(1);
  });
});
