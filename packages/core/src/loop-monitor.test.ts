import { expect, vi } from "vitest";
import { label } from "./label.js";
import { useLoopMonitor } from "./loop-monitor.js";
import { scoped } from "./scoped.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { describe, it } from "./test/mod.js";

function block(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {}
}

describe("useLoopMonitor()", () => {
  it("reports a 200 ms synchronous block and nothing before it", function* () {
    const stalls = yield* useLoopMonitor({ thresholdMs: 100 });
    const subscription = yield* stalls;

    // Ordinary asynchronous work, which must not be reported.
    for (let i = 0; i < 20; i++) yield* sleep(10);

    const blockedAt = performance.timeOrigin + performance.now();
    block(200);
    const { value: stall } = yield* subscription.next();
    expect(stall).toBeDefined();
    expect(stall!.at).toBeGreaterThanOrEqual(blockedAt - 1);
    expect(stall!.durationMs).toBeGreaterThanOrEqual(150);
    expect(stall!.durationMs).toBeLessThan(1000);
  });

  it("names the task whose synchronous work caused the stall", function* () {
    yield* label("monitored");
    const stalls = yield* useLoopMonitor({ thresholdMs: 100 });
    const subscription = yield* stalls;
    const hog = yield* spawn(
      function* () {
        yield* sleep(1);
        block(200);
      },
      { name: "hog" },
    );
    const { value: stall } = yield* subscription.next();
    expect(stall!.task).toBe("monitored > hog");
    yield* hog;
  });

  it("names no task when the time went to a plain callback", function* () {
    const stalls = yield* useLoopMonitor({ thresholdMs: 100 });
    const subscription = yield* stalls;
    const timer = setTimeout(() => block(200), 1);
    try {
      const { value: stall } = yield* subscription.next();
      expect(stall!.durationMs).toBeGreaterThanOrEqual(100);
      expect(stall!.task).toBeUndefined();
    } finally {
      clearTimeout(timer);
    }
  });

  it("stops its unreferenced timer when its scope ends", function* () {
    const set = vi.spyOn(globalThis, "setInterval");
    const clear = vi.spyOn(globalThis, "clearInterval");
    try {
      yield* scoped(function* () {
        yield* useLoopMonitor({ thresholdMs: 20 });
      });
      const timer = set.mock.results[0]?.value as NodeJS.Timeout;
      expect(timer.hasRef()).toBe(false);
      expect(clear).toHaveBeenCalledWith(timer);
    } finally {
      set.mockRestore();
      clear.mockRestore();
    }
  });

  it("rejects a threshold that is not a positive number", function* () {
    expect(() => useLoopMonitor({ thresholdMs: 0 })).toThrow(
      new TypeError(
        "useLoopMonitor(): thresholdMs must be a positive number of milliseconds, got 0",
      ),
    );
  });
});
