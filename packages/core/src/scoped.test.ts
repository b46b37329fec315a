import { expect } from "vitest";
import { createContext } from "./context.js";
import { scoped } from "./scoped.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { suspend } from "./suspend.js";
import { describe, it } from "./test/mod.js";
import type { Operation } from "./types.js";
import { withResolvers } from "./with-resolvers.js";

const Name = createContext<string>("scoped-test.name", "outer");

function* failLater(message: string): Operation<never> {
  yield* sleep(1);
  throw new Error(message);
}

describe("scoped()", () => {
  it("returns the operation's value", function* () {
    expect(
      yield* scoped(function* () {
        return 42;
      }),
    ).toBe(42);
  });

  it("halts what it started before returning", function* () {
    const log: string[] = [];
    yield* scoped(function* () {
      const started = withResolvers<void>();
      yield* spawn(function* () {
        try {
          started.resolve();
          yield* suspend();
        } finally {
          yield* sleep(1);
          log.push("child cleaned up");
        }
      });
      yield* started.operation;
    });
    log.push("after scoped");
    expect(log).toEqual(["child cleaned up", "after scoped"]);
  });

  it("catches a child's failure at its boundary, leaving the enclosing task running", function* () {
    let message = "";
    try {
      yield* scoped(function* () {
        yield* spawn(() => failLater("child failed"));
        yield* suspend();
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe("child failed");
    expect(
      yield* scoped(function* () {
        return "still usable";
      }),
    ).toBe("still usable");
  });

  it("delivers a failure to the nearest of several nested boundaries", function* () {
    const log: string[] = [];
    const outer = yield* scoped(function* () {
      try {
        yield* scoped(function* () {
          yield* spawn(() => failLater("inner child failed"));
          yield* suspend();
        });
      } catch (error) {
        log.push(`inner caught ${(error as Error).message}`);
      }
      return "outer finished";
    });
    expect(outer).toBe("outer finished");
    expect(log).toEqual(["inner caught inner child failed"]);
  });

  it("halts siblings of the failing child before throwing", function* () {
    const log: string[] = [];
    try {
      yield* scoped(function* () {
        yield* spawn(function* () {
          try {
            yield* suspend();
          } finally {
            log.push("sibling halted");
          }
        });
        yield* spawn(() => failLater("boom"));
        yield* suspend();
      });
    } catch (error) {
      log.push((error as Error).message);
    }
    expect(log).toEqual(["sibling halted", "boom"]);
  });

  it("drops context values set inside it", function* () {
    const inside = yield* scoped(function* () {
      yield* Name.set("inner");
      return yield* Name.expect();
    });
    expect(inside).toBe("inner");
    expect(yield* Name.expect()).toBe("outer");
  });

  it("throws the operation's own error after halting its children", function* () {
    const log: string[] = [];
    try {
      yield* scoped(function* () {
        const started = withResolvers<void>();
        yield* spawn(function* () {
          try {
            started.resolve();
            yield* suspend();
          } finally {
            log.push("child halted");
          }
        });
        yield* started.operation;
        throw new Error("own error");
      });
    } catch (error) {
      log.push((error as Error).message);
    }
    expect(log).toEqual(["child halted", "own error"]);
  });
});
