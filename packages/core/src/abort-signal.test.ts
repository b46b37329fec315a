import { expect } from "vitest";
import { useAbortSignal } from "./abort-signal.js";
import { scoped } from "./scoped.js";
import { spawn } from "./spawn.js";
import { suspend } from "./suspend.js";
import { describe, it } from "./test/mod.js";
import { withResolvers } from "./with-resolvers.js";

describe("useAbortSignal()", () => {
  it("aborts when the scope returns", function* () {
    const signal = yield* scoped(function* () {
      const signal = yield* useAbortSignal();
      expect(signal.aborted).toBe(false);
      return signal;
    });
    expect(signal.aborted).toBe(true);
  });

  it("aborts when the scope fails", function* () {
    let signal: AbortSignal | undefined;
    try {
      yield* scoped(function* () {
        signal = yield* useAbortSignal();
        throw new Error("boom");
      });
    } catch {}
    expect(signal?.aborted).toBe(true);
  });

  it("aborts when the task is halted, firing abort listeners", function* () {
    const ready = withResolvers<AbortSignal>();
    const log: string[] = [];
    const task = yield* spawn(function* () {
      const signal = yield* useAbortSignal();
      signal.addEventListener("abort", () => log.push("abort event"));
      ready.resolve(signal);
      yield* suspend();
    });
    const signal = yield* ready.operation;
    yield* task.halt();
    expect(signal.aborted).toBe(true);
    expect(log).toEqual(["abort event"]);
  });
});
