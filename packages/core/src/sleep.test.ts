import { expect } from "vitest";
import { inspect } from "./inspect.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { describe, findTask, it } from "./test/mod.js";
import { withResolvers } from "./with-resolvers.js";

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
}

describe("sleep()", () => {
  it("resumes after the timer fires, letting other timers run", function* () {
    const log: string[] = [];
    const timer = setTimeout(() => log.push("timer"), 0);
    try {
      yield* sleep(20);
      log.push("slept");
    } finally {
      clearTimeout(timer);
    }
    expect(log).toEqual(["timer", "slept"]);
  });

  it("clears its timer when the sleeping task is halted", function* () {
    const before = activeTimers();
    const started = withResolvers<void>();
    const task = yield* spawn(function* () {
      started.resolve();
      yield* sleep(60_000);
    });
    yield* started.operation;
    expect(activeTimers()).toBe(before + 1);
    yield* task.halt();
    expect(activeTimers()).toBe(before);
  });

  it("outlasts a shorter sleep when longer than setTimeout takes, forever for Infinity, and is still halted cleanly", function* () {
    // setTimeout runs a delay past 2^31 - 1 ms (Infinity included) after 1 ms: these two
    // sleeps used to end before the 20 ms one below.
    const ended: string[] = [];
    const before = activeTimers();
    const long = yield* spawn(function* () {
      yield* sleep(3_000_000_000);
      ended.push("34 days");
    });
    const forever = yield* spawn(
      function* () {
        yield* sleep(Number.POSITIVE_INFINITY);
        ended.push("forever");
      },
      { name: "sleeper" },
    );
    yield* sleep(20);
    expect(ended).toEqual([]);
    expect(findTask(inspect(), "sleeper")?.waitingOn).toBe("sleep forever");
    yield* long.halt();
    yield* forever.halt();
    expect(activeTimers()).toBe(before);
  });
});
