import { expect } from "vitest";
import { createCondition } from "./condition.js";
import { inspect, type TaskTree } from "./inspect.js";
import { createLock } from "./lock.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { suspend } from "./suspend.js";
import { describe, it, useVirtualClock, waitAllTasksBlocked } from "./test/mod.js";
import { until } from "./until.js";
import { waitingFor } from "./waiting-for.js";

function find(tree: TaskTree, name: string): TaskTree | undefined {
  if (tree.name === name) return tree;
  for (const child of tree.children) {
    const found = find(child, name);
    if (found !== undefined) return found;
  }
  return undefined;
}

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
    expect(find(tree, "sleeper")!.waitingOn).toBe("sleep until 2030-01-01T00:00:01.000Z (virtual)");
    expect(find(tree, "holder")!.waitingOn).toBeUndefined();
    expect(find(tree, "locked out")!.waitingOn).toBe("lock (1 of 1 held, 1 waiting)");
    expect(find(tree, "waiter")!.waitingOn).toBe("condition");
    expect(find(tree, "joiner")!.waitingOn).toBe("task sleeper");
    expect(find(tree, "awaiting")!.waitingOn).toBe("promise");
  });

  it("puts a waitingFor() description before the wait inside it, and removes it after", function* () {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const task = yield* spawn(
      function* () {
        yield* waitingFor("SELECT * FROM pages", waitingFor("GET /x (body)", until(gate)));
        yield* suspend();
      },
      { name: "worker" },
    );
    yield* waitAllTasksBlocked();
    expect(find(inspect(), "worker")!.waitingOn).toBe("GET /x (body): promise");
    open();
    yield* waitAllTasksBlocked();
    expect(find(inspect(), "worker")!.waitingOn).toBeUndefined();
    yield* task.halt();
  });

  it("rejects a description that is not a string", function* () {
    expect(() => waitingFor(42 as never, suspend())).toThrow(/description must be a string/);
  });
});
