import { each, type Operation, type Stream } from "@skein/core";
import fc from "fast-check";
import { type Db, sql } from "../src/mod.js";

/** One step of a lane: what it does to the database. */
export type Step =
  | { kind: "insert" }
  | { kind: "transaction"; rows: number }
  | { kind: "cursor"; rows: number }
  | { kind: "copyTo"; rows: number }
  | { kind: "copyFrom"; rows: number }
  | { kind: "listen" }
  | { kind: "sleep" };

/** Steps at random, each kind about as likely as the others. */
export const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("insert" as const) }),
  fc.record({ kind: fc.constant("transaction" as const), rows: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant("cursor" as const), rows: fc.integer({ min: 1, max: 3000 }) }),
  fc.record({ kind: fc.constant("copyTo" as const), rows: fc.constantFrom(100, 2_000, 20_000) }),
  fc.record({ kind: fc.constant("copyFrom" as const), rows: fc.integer({ min: 1, max: 5000 }) }),
  fc.record({ kind: fc.constant("listen" as const) }),
  fc.record({ kind: fc.constant("sleep" as const) }),
);

/**
 * What a workload wrote: every group of rows it started (a group is all or nothing), and the
 * groups whose writer was told they were committed.
 */
export interface Ledger {
  readonly sizes: Map<number, number>;
  readonly committed: Set<number>;
  /** The first id of a new group of `size` rows; ids are unique within the ledger. */
  start(size: number): number;
}

/** An empty ledger. */
export function createLedger(): Ledger {
  let next = 1;
  const sizes = new Map<number, number>();
  return {
    sizes,
    committed: new Set(),
    start(size) {
      const first = next;
      next += size;
      sizes.set(first, size);
      return first;
    },
  };
}

/** COPY TO statements by rows: 4 KB, 90 KB, 900 KB (COPY takes no parameters). */
const COPY_OUT = {
  100: sql`copy (select g, repeat('x', 40) from generate_series(1, 100) g) to stdout`,
  2000: sql`copy (select g, repeat('x', 40) from generate_series(1, 2000) g) to stdout`,
  20000: sql`copy (select g, repeat('x', 40) from generate_series(1, 20000) g) to stdout`,
};

/** COPY text for ids `first`, `first + 1`... of group `first`. */
function copyLines(first: number, rows: number): Stream<string, void> {
  return {
    *[Symbol.iterator]() {
      let id = first;
      const end = first + rows;
      return {
        *next(): Operation<IteratorResult<string, void>> {
          if (id >= end) return { done: true, value: undefined };
          let chunk = "";
          for (let i = 0; i < 500 && id < end; i++, id++) chunk += `${id}\t${first}\tcopy\n`;
          return { done: false, value: chunk };
        },
      };
    },
  };
}

/**
 * Run `step` against `table` (`id int primary key, grp int, v text`), recording in `ledger`
 * what it writes and what it was told is committed.
 *
 * @param db - the handle under test
 * @param table - the table's name
 * @param channel - the lane's LISTEN channel
 * @param ledger - where writes are recorded
 * @param step - what to do
 */
export function* perform(
  db: Db,
  table: string,
  channel: string,
  ledger: Ledger,
  step: Step,
): Operation<void> {
  const t = sql.id(table);
  switch (step.kind) {
    case "insert": {
      const id = ledger.start(1);
      yield* db.query(sql`insert into ${t} values (${id}, ${id}, 'insert')`);
      ledger.committed.add(id);
      return;
    }
    case "transaction": {
      const group = ledger.start(step.rows);
      yield* db.transaction(function* (tx) {
        for (let i = 0; i < step.rows; i++) {
          yield* tx.query(sql`insert into ${t} values (${group + i}, ${group}, 'transaction')`);
        }
      });
      ledger.committed.add(group);
      return;
    }
    case "cursor": {
      let seen = 0;
      const rows = db.cursor<{ g: number }>(sql`select g from generate_series(1, ${step.rows}) g`, {
        batch: 200,
      });
      for (const _ of yield* each(rows)) {
        seen++;
        yield* each.next();
      }
      if (seen !== step.rows) throw new Error(`the cursor gave ${seen} of ${step.rows} rows`);
      return;
    }
    case "copyTo": {
      for (const _ of yield* each(db.copyTo(COPY_OUT[step.rows as keyof typeof COPY_OUT]))) {
        yield* each.next();
      }
      return;
    }
    case "copyFrom": {
      const group = ledger.start(step.rows);
      yield* db.copyFrom(sql`copy ${t} (id, grp, v) from stdin`, copyLines(group, step.rows));
      ledger.committed.add(group);
      return;
    }
    case "listen": {
      const subscription = yield* db.listen(channel);
      yield* db.notify(channel, "ping");
      yield* subscription.next();
      return;
    }
    case "sleep": {
      yield* db.query(sql`select pg_sleep(${0.05})`);
      return;
    }
  }
}

/**
 * Check what `ledger` says against the table: every group is all there or not at all, and
 * every group its writer was told is committed is there.
 *
 * @param admin - a handle on the server that is not behind the faults
 * @param table - the table's name
 * @param ledger - what was written
 * @returns the problems found, empty when none
 */
export function* audit(admin: Db, table: string, ledger: Ledger): Operation<string[]> {
  const rows = yield* admin.query<{ grp: number; n: number }>(
    sql`select grp, count(*)::int as n from ${sql.id(table)} group by grp`,
  );
  const problems: string[] = [];
  const found = new Map(rows.map((row) => [row.grp, row.n]));
  for (const [group, n] of found) {
    const size = ledger.sizes.get(group);
    if (size === undefined) problems.push(`group ${group} was never written`);
    else if (n !== size) problems.push(`group ${group} has ${n} of its ${size} rows`);
  }
  for (const group of ledger.committed) {
    if (!found.has(group)) problems.push(`committed group ${group} is missing`);
  }
  return problems;
}
