import { expect } from "vitest";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { describe, it } from "./test/mod.js";
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
});
