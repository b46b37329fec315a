import {
  each,
  ensure,
  type Operation,
  type Stream,
  spawn,
  suspend,
  TimeoutError,
  timeout,
  until,
  withResolvers,
} from "@skein/core";
import { describe, it } from "@skein/core/test";
import postgres from "postgres";
import { expect } from "vitest";
import { serverConfigured, statesOf, useTestServer } from "../test/server.js";
import { caught, useTable } from "../test/suite.js";
import { sql } from "./mod.js";

/** About 10 MB of COPY text: 600k rows of `id \t 'row ' || id padded`. */
const ROWS = 600_000;
const TEN_MB = sql`copy (select g, rpad('row ' || g, 10, '.') from generate_series(1, 600000) g) to stdout`;

/** A COPY source of `rows` lines `id\tv\n`, 1000 lines a chunk; `onHalf` runs at the midpoint. */
function linesOf(rows: number, atHalf?: () => Operation<void>): Stream<string, void> {
  return {
    *[Symbol.iterator]() {
      let next = 1;
      return {
        *next(): Operation<IteratorResult<string, void>> {
          if (next > rows) return { done: true, value: undefined };
          if (atHalf !== undefined && next > rows / 2) yield* atHalf();
          let chunk = "";
          for (let i = 0; i < 1000 && next <= rows; i++, next++) chunk += `${next}\trow ${next}\n`;
          return { done: false, value: chunk };
        },
      };
    },
  };
}

describe.runIf(serverConfigured)("COPY on the server backend", () => {
  it("postgres.js (as patched) answers the next query after a COPY TO larger than its stream buffer", function* () {
    // Unpatched, the driver paused its socket on the full stream and never resumed it after
    // the end of the data: the query below never settled.
    const raw = postgres({ max: 1, onnotice: () => {} });
    yield* ensure(() => until(raw.end({ timeout: 0 })));
    const readable = yield* until(
      raw.unsafe("copy (select g from generate_series(1, 5000) g) to stdout").readable(),
    );
    let bytes = 0;
    for (const chunk of yield* each(readerOf(readable))) {
      bytes += chunk.length;
      yield* each.next();
    }
    expect(bytes).toBeGreaterThan(16_384);
    const rows = yield* timeout(10_000, until(raw`select 1 as one`));
    expect([...rows]).toEqual([{ one: 1 }]);
  });

  it("reuses the one connection after a 10 MB copyTo read to the end", function* () {
    const { db } = yield* useTestServer({ max: 1 });
    let bytes = 0;
    for (const chunk of yield* each(db.copyTo(TEN_MB))) {
      bytes += chunk.length;
      yield* each.next();
    }
    expect(bytes).toBeGreaterThan(10_000_000);
    const [row] = yield* timeout(10_000, db.query<{ one: number }>(sql`select 1 as one`));
    expect(row?.one).toBe(1);
  });

  it("leaves the connection idle and reusable when a 10 MB copyTo is halted midway", function* () {
    const { db: admin } = yield* useTestServer({}, "admin");
    const { db, app } = yield* useTestServer({ max: 1 });
    const started = withResolvers<void>();
    const reader = yield* spawn(function* () {
      let bytes = 0;
      for (const chunk of yield* each(db.copyTo(TEN_MB))) {
        bytes += chunk.length;
        if (bytes > 1_000_000) {
          started.resolve();
          yield* suspend();
        }
        yield* each.next();
      }
    });
    yield* started.operation;
    yield* timeout(10_000, reader.halt());
    expect(yield* statesOf(admin, app)).toEqual(["idle"]);
    const [row] = yield* timeout(10_000, db.query<{ one: number }>(sql`select 1 as one`));
    expect(row?.one).toBe(1);
  });

  it("stops reading when the consumer leaves a copyTo loop early, and the connection is reused", function* () {
    const { db } = yield* useTestServer({ max: 1 });
    let chunks = 0;
    for (const _ of yield* each(db.copyTo(TEN_MB))) {
      if (++chunks === 3) break;
      yield* each.next();
    }
    expect(chunks).toBe(3);
    const [row] = yield* timeout(10_000, db.query<{ one: number }>(sql`select 1 as one`));
    expect(row?.one).toBe(1);
  });

  it("stores every row of a 10 MB copyFrom", function* () {
    const { db } = yield* useTestServer({ max: 1 });
    const table = yield* useTable(db, "copy_in");
    yield* db.copyFrom(sql`copy ${sql.id(table)} from stdin`, linesOf(ROWS));
    const [row] = yield* db.query<{ n: string }>(
      sql`select count(*)::text as n from ${sql.id(table)}`,
    );
    expect(row?.n).toBe(String(ROWS));
  });

  it("writes nothing and frees the connection when a 10 MB copyFrom is halted midway", function* () {
    const { db: admin } = yield* useTestServer({}, "admin");
    const { db, app } = yield* useTestServer({ max: 1 });
    const table = yield* useTable(db, "copy_halt");
    const half = withResolvers<void>();
    const writer = yield* spawn(() =>
      db.copyFrom(
        sql`copy ${sql.id(table)} from stdin`,
        linesOf(ROWS, function* () {
          half.resolve();
          yield* suspend();
        }),
      ),
    );
    yield* half.operation;
    yield* timeout(10_000, writer.halt());
    expect(yield* statesOf(admin, app)).toEqual(["idle"]);
    const [row] = yield* timeout(
      10_000,
      db.query<{ n: string }>(sql`select count(*)::text as n from ${sql.id(table)}`),
    );
    expect(row?.n).toBe("0");
  });

  it("ends a copyFrom whose source stalls when the enclosing timeout expires", function* () {
    const { db } = yield* useTestServer({ max: 1 });
    const table = yield* useTable(db, "copy_stall");
    const stalled: Stream<string, void> = {
      *[Symbol.iterator]() {
        return {
          *next(): Operation<IteratorResult<string, void>> {
            yield* suspend();
            throw new Error("a suspended source resumed");
          },
        };
      },
    };
    const error = yield* caught(
      timeout(200, db.copyFrom(sql`copy ${sql.id(table)} from stdin`, stalled)),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    const [row] = yield* timeout(
      10_000,
      db.query<{ n: string }>(sql`select count(*)::text as n from ${sql.id(table)}`),
    );
    expect(row?.n).toBe("0");
  });
});

/** A Node readable as a stream of chunks. */
function readerOf(readable: AsyncIterable<Uint8Array>): Stream<Uint8Array, void> {
  return {
    *[Symbol.iterator]() {
      const chunks = readable[Symbol.asyncIterator]();
      return {
        *next(): Operation<IteratorResult<Uint8Array, void>> {
          const next = yield* until(chunks.next());
          return next.done ? { done: true, value: undefined } : { done: false, value: next.value };
        },
      };
    },
  };
}
