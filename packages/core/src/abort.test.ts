import { expect } from "vitest";
import { fromAbortSignal, onAbort } from "./abort.js";
import { spawn } from "./spawn.js";
import { describe, it } from "./test/mod.js";

describe("onAbort()", () => {
  it("waits for the abort and returns its reason", function* () {
    const controller = new AbortController();
    const waiter = yield* spawn(() => onAbort(controller.signal));
    yield* spawn(function* () {
      controller.abort("stop");
    });
    expect(yield* waiter).toBe("stop");
  });

  it("returns at once for a signal that is already aborted", function* () {
    const reason = new Error("already");
    expect(yield* fromAbortSignal(AbortSignal.abort(reason))).toBe(reason);
  });

  it("removes its listener when halted", function* () {
    const controller = new AbortController();
    const signal = controller.signal;
    let listeners = 0;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners++;
      add(...args);
    }) as typeof add;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      listeners--;
      remove(...args);
    }) as typeof remove;
    const waiter = yield* spawn(() => onAbort(signal));
    yield* yield* spawn(function* () {});
    expect(listeners).toBe(1);
    yield* waiter.halt();
    expect(listeners).toBe(0);
  });
});
