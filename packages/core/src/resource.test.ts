import { expect } from "vitest";
import { ensure } from "./ensure.js";
import { inspect } from "./inspect.js";
import { label } from "./label.js";
import { resource } from "./resource.js";
import { scoped } from "./scoped.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { suspend } from "./suspend.js";
import { describe, it } from "./test/mod.js";
import type { Operation } from "./types.js";
import { withResolvers } from "./with-resolvers.js";

function useLogged(name: string, log: string[]): Operation<string> {
  return resource<string>(function* (provide) {
    log.push(`${name} up`);
    try {
      yield* provide(name);
    } finally {
      yield* sleep(1);
      log.push(`${name} down`);
    }
  });
}

function* caught(operation: Operation<unknown>): Operation<Error | undefined> {
  try {
    yield* operation;
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

describe("resource()", () => {
  it("provides its value to the caller", function* () {
    const log: string[] = [];
    expect(yield* useLogged("db", log)).toBe("db");
    expect(log).toEqual(["db up"]);
  });

  it("stays alive until the scope that acquired it ends, not just the operation that called it", function* () {
    const log: string[] = [];
    yield* scoped(function* () {
      function* acquire(): Operation<string> {
        return yield* useLogged("conn", log);
      }
      const value = yield* acquire();
      log.push(`using ${value}`);
      yield* sleep(1);
      log.push("still alive");
    });
    expect(log).toEqual(["conn up", "using conn", "still alive", "conn down"]);
  });

  it("tears resources down in reverse order of acquisition", function* () {
    const log: string[] = [];
    yield* scoped(function* () {
      yield* useLogged("first", log);
      yield* useLogged("second", log);
      yield* useLogged("third", log);
    });
    expect(log).toEqual([
      "first up",
      "second up",
      "third up",
      "third down",
      "second down",
      "first down",
    ]);
  });

  it("ends in reverse order mixed with spawned tasks and ensure callbacks", function* () {
    const log: string[] = [];
    yield* scoped(function* () {
      yield* useLogged("resource a", log);
      yield* ensure(function* () {
        yield* sleep(1);
        log.push("ensure b");
      });
      const started = withResolvers<void>();
      yield* spawn(function* () {
        try {
          started.resolve();
          yield* suspend();
        } finally {
          yield* sleep(1);
          log.push("task c");
        }
      });
      yield* started.operation;
      yield* useLogged("resource d", log);
    });
    expect(log).toEqual([
      "resource a up",
      "resource d up",
      "resource d down",
      "task c",
      "ensure b",
      "resource a down",
    ]);
  });

  it("throws an error raised before provide() to its caller", function* () {
    const error = yield* caught(
      resource<number>(function* () {
        yield* sleep(1);
        throw new Error("cannot connect");
      }),
    );
    expect(error?.message).toBe("cannot connect");
  });

  it("fails the acquiring scope when it fails after providing", function* () {
    const log: string[] = [];
    const error = yield* caught(
      scoped(function* () {
        yield* resource<void>(function* (provide) {
          yield* spawn(function* () {
            yield* sleep(1);
            throw new Error("connection lost");
          });
          yield* provide();
        });
        try {
          yield* suspend();
        } finally {
          log.push("user unwound");
        }
      }),
    );
    expect(error?.message).toBe("connection lost");
    expect(log).toEqual(["user unwound"]);
  });

  it("runs the setup of a resource that provides nothing to completion before the caller resumes", function* () {
    const log: string[] = [];
    yield* resource<void>(function* (provide) {
      yield* sleep(1);
      log.push("set up");
      yield* provide();
    });
    log.push("caller resumed");
    expect(log).toEqual(["set up", "caller resumed"]);
  });

  it("throws to the caller when the resource returns without providing", function* () {
    const error = yield* caught(resource<void>(function* () {}));
    expect(error).toBeInstanceOf(Error);
  });
  it("runs its cleanup when the caller is halted while it is still setting up", function* () {
    const log: string[] = [];
    const settingUp = withResolvers<void>();
    const task = yield* spawn(function* () {
      yield* resource<void>(function* (provide) {
        try {
          settingUp.resolve();
          yield* suspend();
          yield* provide();
        } finally {
          yield* sleep(1);
          log.push("resource cleaned up");
        }
      });
      log.push("unreachable");
    });
    yield* settingUp.operation;
    yield* task.halt();
    expect(log).toEqual(["resource cleaned up"]);
  });
  it("fails the acquiring scope with an error its cleanup throws", function* () {
    const error = yield* caught(
      scoped(function* () {
        yield* resource<void>(function* (provide) {
          try {
            yield* provide();
          } finally {
            yield* sleep(1);
            // biome-ignore lint/correctness/noUnsafeFinally: the test needs a failing cleanup
            throw new Error("teardown failed");
          }
        });
      }),
    );
    expect(error?.message).toBe("teardown failed");
  });

  it("a resource that provides after its caller was halted during setup ends without an error", function* () {
    const setupStarted = withResolvers<void>();
    const setupMayEnd = withResolvers<void>();
    let provided = false;
    const caller = yield* spawn(function* () {
      try {
        yield* resource<void>(function* (provide) {
          setupStarted.resolve();
          yield* setupMayEnd.operation;
          provided = true;
          yield* provide();
        });
      } finally {
        // The setup ends while the halted caller cleans up, before the resource is halted.
        setupMayEnd.resolve();
        yield* sleep(1);
      }
    });
    yield* setupStarted.operation;
    yield* caller.halt();
    expect(provided).toBe(true);
  });

  it("names its task for inspect() when given a name, and shows as resource otherwise", function* () {
    yield* label("owner");
    yield* resource<void>((provide) => provide(), { name: "connection pool" });
    yield* resource<void>((provide) => provide());
    const owner = inspect().children.flatMap((c) => (c.name === "owner" ? [c] : c.children));
    const names = owner.flatMap((c) => c.children.map((r) => `${r.name} (${r.kind})`));
    expect(names).toEqual(["connection pool (resource)", "resource (resource)"]);
  });

  it("rejects a name that is not a string", function* () {
    expect(() => resource<void>((provide) => provide(), { name: 7 as never })).toThrow(
      /resource\(\): options.name must be a string, got 7/,
    );
  });
});
