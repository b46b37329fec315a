import { each, inspect, type Operation, spawn, suspend, withResolvers } from "@skein/core";
import { describe, findTask, it, taskNodes, waitAllTasksBlocked } from "@skein/core/test";
import { expect } from "vitest";
import { nameOf } from "../test/suite.js";
import { type Db, sql, usePglite, usePostgres } from "./mod.js";

const configured = Boolean(process.env.DATABASE_URL ?? process.env.PGHOST);

const BACKENDS: { name: string; open: () => Operation<Db>; pool: string }[] = [
  { name: "PGlite", open: () => usePglite(), pool: "pool connection (1 of 1 busy, 1 waiting)" },
  ...(configured
    ? [
        {
          name: "a server",
          open: () => usePostgres({ max: 1 }),
          pool: "pool connection (1 of 1 busy, 1 waiting)",
        },
      ]
    : []),
];

for (const backend of BACKENDS) {
  describe(`what a task waiting on the database says it waits on, on ${backend.name}`, () => {
    it("names the query's first line, the pool, the transaction, the cursor and LISTEN", function* () {
      const db = yield* backend.open();
      const inside = withResolvers<void>();
      const leave = withResolvers<void>();
      yield* spawn(
        () =>
          db.transaction(function* () {
            inside.resolve();
            yield* leave.operation;
          }),
        { name: "holder" },
      );
      yield* inside.operation;
      yield* spawn(
        () =>
          db.query(sql`
            select 1 as one
            where true`),
        { name: "querier" },
      );
      yield* waitAllTasksBlocked();
      let tree = inspect();
      expect(findTask(tree, "querier")!.waitingOn).toBe(`query select 1 as one: ${backend.pool}`);
      expect(findTask(tree, "holder")!.waitingOn).toMatch(/^transaction\b/);
      leave.resolve();

      const channel = nameOf("waits");
      const listening = withResolvers<void>();
      yield* spawn(
        function* () {
          const notifications = yield* db.listen(channel);
          listening.resolve();
          yield* notifications.next();
        },
        { name: "listener" },
      );
      yield* listening.operation;
      const reading = withResolvers<void>();
      yield* spawn(
        function* () {
          for (const _ of yield* each(db.cursor(sql`select g from generate_series(1, 3) g`))) {
            reading.resolve();
            yield* suspend();
          }
        },
        { name: "reader" },
      );
      yield* reading.operation;
      yield* waitAllTasksBlocked();
      tree = inspect();
      const listener = findTask(tree, "listener")!;
      expect(listener.waitingOn).toMatch(new RegExp(`^notification on ${channel}\\b`));
      expect(listener.children.map((c) => c.name)).toContain(`listen ${channel}`);
      expect(taskNodes(findTask(tree, "reader")!).map((n) => n.name)).toContain(
        "cursor select g from generate_series(1, 3) g",
      );
      // Nothing the package started is left without a name.
      const names = taskNodes(tree)
        .filter((n) => ["holder", "querier", "listener", "reader"].includes(n.name))
        .flatMap((n) => taskNodes(n).map((m) => m.name));
      expect(names).not.toContain("resource");
    });
  });
}

if (configured) {
  describe("what a task waiting on a server query says it waits on", () => {
    it("shows the first line of a statement running on the server", function* () {
      const db = yield* usePostgres({ max: 2 });
      yield* spawn(
        () =>
          db.query(sql`

            select pg_sleep(60)
            -- halted by the end of the test`),
        { name: "sleeper" },
      );
      yield* waitAllTasksBlocked();
      expect(findTask(inspect(), "sleeper")!.waitingOn).toBe("query select pg_sleep(60): promise");
    });
  });
}
