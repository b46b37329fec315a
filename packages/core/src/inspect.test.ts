import { expect } from "vitest";
import { formatTree, inspect, type TaskTree } from "./inspect.js";
import { label } from "./label.js";
import { spawn } from "./spawn.js";
import { suspend } from "./suspend.js";
import { describe, findTask, it } from "./test/mod.js";
import { withResolvers } from "./with-resolvers.js";

describe("inspect()", () => {
  it("shows nested named tasks with their states", function* () {
    const ready = withResolvers<void>();
    const parent = yield* spawn(
      function* () {
        yield* spawn(function* () {
          yield* label("child");
          ready.resolve();
          yield* suspend();
        });
        yield* suspend();
      },
      { name: "parent" },
    );
    yield* ready.operation;

    const tree = findTask(inspect(), "parent");
    expect(tree?.state).toBe("suspended");
    expect(tree?.children.map((c) => c.name)).toEqual(["child"]);
    expect(tree?.children[0]?.ageMs).toBeGreaterThanOrEqual(0);
    yield* parent.halt();
  });

  it("drops tasks once they finish", function* () {
    const done = yield* spawn(function* () {}, { name: "short-lived" });
    const stays = yield* spawn(suspend, { name: "long-lived" });
    expect(findTask(inspect(), "short-lived")).toBeDefined();
    yield* done;
    expect(findTask(inspect(), "short-lived")).toBeUndefined();
    expect(findTask(inspect(), "long-lived")).toBeDefined();
    yield* stays.halt();
    expect(findTask(inspect(), "long-lived")).toBeUndefined();
  });

  it("shows unnamed tasks by their kind", function* () {
    const ready = withResolvers<void>();
    const task = yield* spawn(
      function* () {
        yield* spawn(suspend);
        ready.resolve();
        yield* suspend();
      },
      { name: "holder" },
    );
    yield* ready.operation;
    expect(findTask(inspect(), "holder")?.children.map((c) => c.name)).toEqual(["task"]);
    yield* task.halt();
  });
});

describe("formatTree()", () => {
  it("indents children under their parent", function* () {
    const tree: TaskTree = {
      name: "global",
      kind: "scope",
      state: "running",
      ageMs: 5000,
      children: [
        {
          name: "main",
          kind: "task",
          state: "suspended",
          ageMs: 2100,
          children: [
            { name: "server", kind: "task", state: "running", ageMs: 12, children: [] },
            { name: "db", kind: "resource", state: "halting", ageMs: 90_000, children: [] },
          ],
        },
      ],
    };
    expect(formatTree(tree)).toBe(
      [
        "global",
        "└─ main (suspended, 2.1s)",
        "   ├─ server (running, 12ms)",
        "   └─ db (resource, halting, 1.5min)",
      ].join("\n"),
    );
  });
});
