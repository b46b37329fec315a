import { expect } from "vitest";
import { EmptyRaceError } from "./errors.js";
import { caught } from "./fixtures/caught.js";
import { race } from "./race.js";
import { sleep } from "./sleep.js";
import { suspend } from "./suspend.js";
import { describe, it } from "./test/mod.js";
import type { Operation } from "./types.js";
import { withResolvers } from "./with-resolvers.js";

function* loser(name: string, log: string[], started?: () => void): Operation<string> {
  try {
    started?.();
    yield* suspend();
    return name;
  } finally {
    yield* sleep(1);
    log.push(`${name} halted`);
  }
}

describe("race()", () => {
  it("returns the value of the first operation to finish", function* () {
    const log: string[] = [];
    const winner = yield* race([
      loser("slow", log),
      (function* () {
        yield* sleep(1);
        return "fast";
      })(),
    ]);
    expect(winner).toBe("fast");
  });

  it("halts every loser and waits for their cleanup before returning", function* () {
    const log: string[] = [];
    const ready = withResolvers<void>();
    const winner = yield* race([
      loser("a", log),
      loser("b", log, () => ready.resolve()),
      (function* () {
        yield* ready.operation;
        return "c";
      })(),
    ]);
    log.push(`winner ${winner}`);
    expect(log).toEqual(["b halted", "a halted", "winner c"]);
  });

  it("throws the error of the first operation to fail, after halting the others", function* () {
    const log: string[] = [];
    const ready = withResolvers<void>();
    try {
      yield* race([
        loser("a", log, () => ready.resolve()),
        (function* (): Operation<string> {
          yield* ready.operation;
          throw new Error("c failed");
        })(),
      ]);
    } catch (error) {
      log.push((error as Error).message);
    }
    expect(log).toEqual(["a halted", "c failed"]);
  });

  it("returns a winner that finishes synchronously", function* () {
    const winner = yield* race([
      (function* () {
        return "sync";
      })(),
      (function* () {
        yield* suspend();
        return "never";
      })(),
    ]);
    expect(winner).toBe("sync");
  });

  it("throws an EmptyRaceError for no operations instead of never settling", function* () {
    const operations: Operation<string>[] = [];
    const error = yield* caught(race(operations));
    expect(error).toBeInstanceOf(EmptyRaceError);
    expect((error as EmptyRaceError).code).toBe("empty-race");
    expect((error as EmptyRaceError).operations).toBe(operations);
  });
});
