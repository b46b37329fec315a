import { expect } from "vitest";
import { all } from "./all.js";
import { formatTree, inspect, type TaskTree } from "./inspect.js";
import { label } from "./label.js";
import { race } from "./race.js";
import { scoped } from "./scoped.js";
import { spawn } from "./spawn.js";
import { suspend } from "./suspend.js";
import { describe, findTask, it, waitAllTasksBlocked } from "./test/mod.js";
import type { Operation } from "./types.js";
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

  it("shows the children a scoped(), all() or race() is still halting after its body ended, under the task that waits for them", function* () {
    const kinds: [string, (body: () => Operation<void>) => Operation<unknown>][] = [
      ["scoped", (body) => scoped(body)],
      ["all", (body) => all([body()])],
      ["race", (body) => race([body()])],
    ];
    for (const [kind, around] of kinds) {
      const cleanup = withResolvers<void>();
      const started = withResolvers<void>();
      const outer = yield* spawn(
        () =>
          around(function* () {
            yield* spawn(
              function* () {
                try {
                  started.resolve();
                  yield* suspend();
                } finally {
                  yield* cleanup.operation;
                }
              },
              { name: "slow cleanup" },
            );
            yield* started.operation;
          }),
        { name: `outer ${kind}` },
      );
      try {
        yield* waitAllTasksBlocked();
        const holder = findTask(inspect(), `outer ${kind}`);
        const node = holder === undefined ? undefined : findTask(holder, "slow cleanup");
        expect({ kind, state: node?.state }).toEqual({ kind, state: "halting" });
      } finally {
        cleanup.resolve();
      }
      yield* outer;
      expect(findTask(inspect(), "slow cleanup")).toBeUndefined();
    }
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
