import { expect } from "vitest";
import { action } from "./action.js";
import { createCondition } from "./condition.js";
import { inspect } from "./inspect.js";
import { createLock } from "./lock.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { suspend } from "./suspend.js";
import { describe, findTask, it, useVirtualClock, waitAllTasksBlocked } from "./test/mod.js";
import { until } from "./until.js";
import { waitingFor } from "./waiting-for.js";

describe("what inspect() says a task waits on", () => {
  it("names the sleep's end, the lock, the condition, the task and the promise", function* () {
    yield* useVirtualClock({ start: Date.UTC(2030, 0, 1) });
    const lock = createLock();
    const condition = createCondition();
    const sleeper = yield* spawn(() => sleep(1_000), { name: "sleeper" });
    yield* spawn(() => lock.withLock(() => suspend()), { name: "holder" });
    yield* spawn(() => lock.withLock(() => suspend()), { name: "locked out" });
    yield* spawn(() => condition.wait(), { name: "waiter" });
    yield* spawn(() => sleeper, { name: "joiner" });
    yield* spawn(() => until(new Promise(() => {})), { name: "awaiting" });
    yield* waitAllTasksBlocked();
    const tree = inspect();
    expect(findTask(tree, "sleeper")!.waitingOn).toBe(
      "sleep until 2030-01-01T00:00:01.000Z (virtual)",
    );
    expect(findTask(tree, "holder")!.waitingOn).toBeUndefined();
    expect(findTask(tree, "locked out")!.waitingOn).toBe("lock (held by holder, 1 waiting)");
    expect(findTask(tree, "waiter")!.waitingOn).toBe("condition");
    expect(findTask(tree, "joiner")!.waitingOn).toBe("task sleeper");
    expect(findTask(tree, "awaiting")!.waitingOn).toBe("promise");
  });

  it("puts a waitingFor() description before the wait inside it, and removes it after", function* () {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const task = yield* spawn(
      function* () {
        yield* waitingFor("transaction", waitingFor("query select 1", until(gate)));
        yield* suspend();
      },
      { name: "worker" },
    );
    yield* waitAllTasksBlocked();
    expect(findTask(inspect(), "worker")!.waitingOn).toBe("transaction: query select 1: promise");
    open();
    yield* waitAllTasksBlocked();
    expect(findTask(inspect(), "worker")!.waitingOn).toBeUndefined();
    yield* task.halt();
  });

  it("restores the outer description when the inner operation throws, and keeps it while a halted one cleans up", function* () {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const failing = function* () {
      yield* until(Promise.resolve());
      throw new Error("boom");
    };
    const task = yield* spawn(
      function* () {
        yield* waitingFor(
          "outer",
          (function* () {
            try {
              yield* waitingFor("inner", failing());
            } catch {
              // Caught inside "outer": the label must be "outer" again.
            }
            try {
              yield* waitingFor("cleanup", suspend());
            } finally {
              yield* until(gate);
            }
          })(),
        );
      },
      { name: "worker" },
    );
    yield* waitAllTasksBlocked();
    expect(findTask(inspect(), "worker")!.waitingOn).toBe("outer: cleanup");
    const halted = yield* spawn(() => task.halt());
    yield* waitAllTasksBlocked();
    expect(findTask(inspect(), "worker")!.waitingOn).toBe("outer: promise");
    open();
    yield* halted;
  });

  it("reads a description given as a function when the tree is read; an empty one adds nothing", function* () {
    let phase = "connecting";
    let queued = true;
    yield* spawn(
      () =>
        waitingFor(
          () => (queued ? "GET /x (queued)" : ""),
          waitingFor(() => `GET /x (${phase})`, suspend()),
        ),
      { name: "fetcher" },
    );
    yield* waitAllTasksBlocked();
    expect(findTask(inspect(), "fetcher")!.waitingOn).toBe("GET /x (queued): GET /x (connecting)");
    queued = false;
    phase = "headers";
    expect(findTask(inspect(), "fetcher")!.waitingOn).toBe("GET /x (headers)");
  });

  it("reads a description that throws as such, without failing inspect()", function* () {
    yield* spawn(
      () =>
        waitingFor(() => {
          throw new Error("broken");
        }, suspend()),
      { name: "broken" },
    );
    yield* waitAllTasksBlocked();
    expect(findTask(inspect(), "broken")!.waitingOn).toBe("(its description threw)");
  });

  it("names a lock's holder by its nearest named ancestor when it has no name, and through acquire()", function* () {
    const lock = createLock();
    yield* spawn(
      function* () {
        yield* spawn(() => lock.withLock(() => suspend()));
        yield* suspend();
      },
      { name: "importer" },
    );
    yield* waitAllTasksBlocked();
    yield* spawn(() => lock.withLock(() => suspend()), { name: "second" });
    yield* waitAllTasksBlocked();
    expect(findTask(inspect(), "second")!.waitingOn).toBe(
      "lock (held by a task of importer, 1 waiting)",
    );

    const other = createLock();
    yield* spawn(
      function* () {
        yield* other.acquire();
        yield* suspend();
      },
      { name: "acquirer" },
    );
    yield* waitAllTasksBlocked();
    yield* spawn(() => other.withLock(() => suspend()), { name: "blocked" });
    yield* waitAllTasksBlocked();
    const tree = inspect();
    expect(findTask(tree, "blocked")!.waitingOn).toBe("lock (held by acquirer, 1 waiting)");
    expect(findTask(tree, "acquirer")!.children.map((c) => c.name)).toEqual(["lock held"]);
  });

  it("shows what an action says it waits on, after any waitingFor() around it", function* () {
    let left = 3;
    yield* spawn(
      () =>
        waitingFor(
          "query select 1",
          action<void>(
            () => () => {},
            () => `pool connection (${left} waiting)`,
          ),
        ),
      { name: "querier" },
    );
    yield* waitAllTasksBlocked();
    left = 2;
    expect(findTask(inspect(), "querier")!.waitingOn).toBe(
      "query select 1: pool connection (2 waiting)",
    );
  });

  it("rejects a description that is neither a string nor a function", function* () {
    expect(() => waitingFor(42 as never, suspend())).toThrow(
      /description must be a string or a function, got 42/,
    );
  });
});
