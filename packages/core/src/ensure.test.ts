import { expect } from "vitest";
import { ensure } from "./ensure.js";
import { scoped } from "./scoped.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { suspend } from "./suspend.js";
import { describe, it } from "./test/mod.js";
import { withResolvers } from "./with-resolvers.js";

describe("ensure()", () => {
  it("runs its callback when the scope returns", function* () {
    const log: string[] = [];
    yield* scoped(function* () {
      yield* ensure(() => {
        log.push("ensured");
      });
      log.push("body");
    });
    expect(log).toEqual(["body", "ensured"]);
  });

  it("runs its callback when the scope fails", function* () {
    const log: string[] = [];
    try {
      yield* scoped(function* () {
        yield* ensure(() => {
          log.push("ensured");
        });
        throw new Error("boom");
      });
    } catch (error) {
      log.push((error as Error).message);
    }
    expect(log).toEqual(["ensured", "boom"]);
  });

  it("runs its callback when the task is halted", function* () {
    const log: string[] = [];
    const started = withResolvers<void>();
    const task = yield* spawn(function* () {
      yield* ensure(() => {
        log.push("ensured");
      });
      started.resolve();
      yield* suspend();
    });
    yield* started.operation;
    yield* task.halt();
    expect(log).toEqual(["ensured"]);
  });

  it("drives an operation returned by the callback to completion during a halt", function* () {
    const log: string[] = [];
    const started = withResolvers<void>();
    const task = yield* spawn(function* () {
      yield* ensure(function* () {
        yield* sleep(1);
        const helper = yield* spawn(function* () {
          yield* sleep(1);
          return "helper";
        });
        log.push(`async cleanup with ${yield* helper}`);
      });
      started.resolve();
      yield* suspend();
    });
    yield* started.operation;
    yield* task.halt();
    log.push("halted");
    expect(log).toEqual(["async cleanup with helper", "halted"]);
  });

  it("runs several callbacks in reverse order of registration", function* () {
    const log: string[] = [];
    yield* scoped(function* () {
      yield* ensure(() => {
        log.push("first");
      });
      yield* ensure(() => {
        log.push("second");
      });
    });
    expect(log).toEqual(["second", "first"]);
  });

  it("fails the scope with an error thrown by its callback", function* () {
    let message = "";
    try {
      yield* scoped(function* () {
        yield* ensure(() => {
          throw new Error("cleanup failed");
        });
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe("cleanup failed");
  });
});
