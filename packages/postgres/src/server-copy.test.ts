import { finished } from "node:stream/promises";
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
import { PostgresError, sql } from "./mod.js";

/** About 10 MB of COPY text: 600k rows of `id \t 'row ' || id padded`. */
const ROWS = 600_000;
const TEN_MB = sql`copy (select g, rpad('row ' || g, 10, '.') from generate_series(1, 600000) g) to stdout`;

/** {@link linesOf}, with `bad` in place of line `at`. */
function linesWith(rows: number, at: number, bad: string): Stream<string, void> {
  return {
    *[Symbol.iterator]() {
      let next = 1;
      return {
        *next(): Operation<IteratorResult<string, void>> {
          if (next > rows) return { done: true, value: undefined };
          let chunk = "";
          for (let i = 0; i < 1000 && next <= rows; i++, next++) {
            chunk += next === at ? bad : `${next}\trow ${next}\n`;
          }
          return { done: false, value: chunk };
        },
      };
    },
  };
}

/** Read a COPY TO to its end. */
function* drain(chunks: Stream<Uint8Array, void>): Operation<void> {
  for (const _ of yield* each(chunks)) yield* each.next();
}

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

  it("postgres.js (as patched) fails the writable of a COPY FROM whose data the server rejects after its end", function* () {
    // Unpatched, the driver forgot the writable once its end was sent: the server's error
    // reached nobody, and waiting for the writable to finish waited for ever.
    const raw = postgres({ max: 1, onnotice: () => {} });
    yield* ensure(() => until(raw.end({ timeout: 0 })));
    yield* until(raw.unsafe("create temp table raw_copy (a int)"));
    const writable = yield* until(raw.unsafe("copy raw_copy from stdin").writable());
    writable.on("error", () => {});
    writable.end("not a number\n");
    const failure = yield* caught(timeout(10_000, until(finished(writable))));
    expect((failure as { code?: string }).code).toBe("22P02");
    const rows = yield* timeout(10_000, until(raw`select count(*)::int as n from raw_copy`));
    expect([...rows]).toEqual([{ n: 0 }]);
  });

  it("fails a copyFrom whose rows the server cannot read, writing none, and the connection takes the next COPY", function* () {
    const { db } = yield* useTestServer({ max: 1 });
    const table = yield* useTable(db, "copy_bad");
    // The bad row comes last, after the end of the data was sent, and in the middle of a
    // large COPY, while the client is still writing.
    const last: Stream<string, void> = {
      *[Symbol.iterator]() {
        let sent = false;
        return {
          *next(): Operation<IteratorResult<string, void>> {
            if (sent) return { done: true, value: undefined };
            sent = true;
            return { done: false, value: "1\tok\nnot a number\tbad\n" };
          },
        };
      },
    };
    for (const source of [last, linesWith(ROWS, ROWS / 2, "x\ty\n")]) {
      const failure = yield* caught(
        timeout(20_000, db.copyFrom(sql`copy ${sql.id(table)} from stdin`, source)),
      );
      expect(failure).toBeInstanceOf(PostgresError);
      expect((failure as PostgresError).code).toBe("22P02");
    }
    // The next COPY on the one connection finishes on its own data, not on a stale callback.
    yield* timeout(20_000, db.copyFrom(sql`copy ${sql.id(table)} from stdin`, linesOf(3)));
    const [row] = yield* db.query<{ n: number }>(
      sql`select count(*)::int as n from ${sql.id(table)}`,
    );
    expect(row?.n).toBe(3);
  });

  it("refuses a statement that is not a COPY, or one going the other way, with a typed error, and reuses the connection", function* () {
    const { db } = yield* useTestServer({ max: 1 });
    const table = yield* useTable(db, "copy_wrong");
    const attempts: [string, () => Operation<unknown>, string][] = [
      [
        "copyTo of a SELECT",
        () => drain(db.copyTo(sql`select 1`)),
        "copyTo() runs a COPY statement only",
      ],
      [
        "copyFrom of a DELETE",
        () => db.copyFrom(sql`delete from ${sql.id(table)}`, linesOf(1)),
        "copyFrom() runs a COPY statement only",
      ],
      [
        "copyTo of a COPY FROM",
        () => drain(db.copyTo(sql`/* in */ copy ${sql.id(table)} from stdin`)),
        "copyTo() needs a COPY ... TO STDOUT",
      ],
      [
        "copyFrom of a COPY TO",
        () => db.copyFrom(sql`-- out\ncopy ${sql.id(table)} to stdout`, linesOf(1)),
        "copyFrom() needs a COPY ... FROM STDIN",
      ],
    ];
    for (const [name, attempt, message] of attempts) {
      const failure = yield* caught(
        timeout(20_000, {
          *[Symbol.iterator]() {
            return yield* attempt();
          },
        }),
      );
      expect({ name, type: failure?.constructor.name }).toEqual({
        name,
        type: "InvalidArgumentError",
      });
      expect((failure as Error).message).toContain(message);
    }
    yield* db.copyFrom(sql`copy ${sql.id(table)} from stdin`, linesOf(2));
    const [row] = yield* db.query<{ n: number }>(
      sql`select count(*)::int as n from ${sql.id(table)}`,
    );
    expect(row?.n).toBe(2);
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
