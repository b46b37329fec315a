import { expect } from "vitest";
import { all } from "./all.js";
import { allSettled } from "./all-settled.js";
import { sleep } from "./sleep.js";
import { suspend } from "./suspend.js";
import { describe, it } from "./test/mod.js";
import type { Operation } from "./types.js";
import { withResolvers } from "./with-resolvers.js";

function* valueAfter<T>(ms: number, value: T): Operation<T> {
  yield* sleep(ms);
  return value;
}

function* failing(message: string, wait?: Operation<void>): Operation<never> {
  if (wait) yield* wait;
  throw new Error(message);
}

describe("all()", () => {
  it("returns every value in the order given, whatever order they finish in", function* () {
    expect(yield* all([valueAfter(3, "a"), valueAfter(1, "b"), valueAfter(2, "c")])).toEqual([
      "a",
      "b",
      "c",
    ]);
  });

  it("returns an empty array for no operations", function* () {
    expect(yield* all([])).toEqual([]);
  });

  it("halts the others on the first failure and throws once their cleanup is done", function* () {
    const log: string[] = [];
    const started = withResolvers<void>();
    function* slow(name: string): Operation<string> {
      try {
        yield* suspend();
        return name;
      } finally {
        yield* sleep(1);
        log.push(`${name} halted`);
      }
    }
    try {
      yield* all([
        slow("a"),
        (function* () {
          started.resolve();
          return yield* slow("b");
        })(),
        failing("c failed", started.operation),
      ]);
    } catch (error) {
      log.push((error as Error).message);
    }
    expect(log).toEqual(["b halted", "a halted", "c failed"]);
  });

  it("throws a failure that happens before any other operation finishes", function* () {
    let message = "";
    try {
      yield* all([failing("sync failure"), valueAfter(1, "late")]);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe("sync failure");
  });

  it("refuses something other than an array at once, instead of failing inside the engine", function* () {
    expect(() => all(5 as unknown as [])).toThrow(/all\(\) takes an array/);
  });
});

describe("allSettled()", () => {
  it("waits for every operation and reports each outcome", function* () {
    const results = yield* allSettled([valueAfter(2, 1), failing("no", sleep(1))]);
    expect(results[0]).toEqual({ ok: true, value: 1 });
    expect(results[1].ok).toBe(false);
    expect(!results[1].ok && results[1].error.message).toBe("no");
  });
});
