import { expect } from "vitest";
import { formatTree, inspect, type TaskTree } from "./inspect.js";
import { label } from "./label.js";
import { spawn } from "./spawn.js";
import { suspend } from "./suspend.js";
import { describe, it } from "./test/mod.js";
import { withResolvers } from "./with-resolvers.js";

function find(tree: TaskTree, name: string): TaskTree | undefined {
  if (tree.name === name) return tree;
  for (const child of tree.children) {
    const found = find(child, name);
    if (found !== undefined) return found;
  }
  return undefined;
}

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

    const tree = find(inspect(), "parent");
    expect(tree?.state).toBe("suspended");
    expect(tree?.children.map((c) => c.name)).toEqual(["child"]);
    expect(tree?.children[0]?.ageMs).toBeGreaterThanOrEqual(0);
    yield* parent.halt();
  });

  it("drops tasks once they finish", function* () {
    const done = yield* spawn(function* () {}, { name: "short-lived" });
    const stays = yield* spawn(suspend, { name: "long-lived" });
    expect(find(inspect(), "short-lived")).toBeDefined();
    yield* done;
    expect(find(inspect(), "short-lived")).toBeUndefined();
    expect(find(inspect(), "long-lived")).toBeDefined();
    yield* stays.halt();
    expect(find(inspect(), "long-lived")).toBeUndefined();
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
    expect(find(inspect(), "holder")?.children.map((c) => c.name)).toEqual(["task"]);
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
