import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createScope,
  type Operation,
  type OwnedScope,
  scoped,
  spawn,
  suspend,
  until,
  withResolvers,
} from "@skein/core";
import { describe, it } from "@skein/core/test";
import { afterAll, beforeAll, expect } from "vitest";
import { caught, describeDb } from "../test/suite.js";
import {
  type Db,
  type Notice,
  NotSupportedError,
  PoolTimeoutError,
  sql,
  usePglite,
  usePostgres,
} from "./mod.js";

// Booting PGlite takes seconds, so one instance serves the shared suite; each test uses
// tables of its own.
let scope: OwnedScope;
let shared: Db;

beforeAll(async () => {
  scope = createScope();
  // The database lives in a task that stays suspended until afterAll destroys the scope.
  shared = await new Promise<Db>((resolve, reject) => {
    scope
      .run(function* () {
        resolve(yield* usePglite());
        yield* suspend();
      })
      .catch(reject);
  });
}, 60_000);

afterAll(async () => {
  await scope.destroy();
});

describeDb({
  name: "PGlite",
  open: function* (): Operation<Db> {
    return shared;
  },
  statementTimeouts: false,
  cursorRows: 20_000,
});

describe("usePglite()", () => {
  it("is what usePostgres() picks when nothing is configured, and says so", function* () {
    const warned = new Promise<Error>((resolve) => process.once("warning", resolve));
    const db = yield* usePostgres({ env: { DATABASE_URL: "" }, acquireTimeout: 50 });
    expect(db.backend).toBe("pglite");
    expect(db.target).toBe("pglite:memory");
    const warning = (yield* until(warned)) as Error & { code?: string };
    expect(warning.code).toBe("SKEIN_PG_IN_MEMORY");
    expect(warning.message).toContain("DATABASE_URL set but empty");
    const held = withResolvers<void>();
    const holder = yield* spawn(() =>
      db.transaction(function* () {
        held.resolve();
        yield* suspend();
      }),
    );
    yield* held.operation;
    const error = yield* caught(db.query(sql`select 1`));
    expect(error).toBeInstanceOf(PoolTimeoutError);
    expect((error as PoolTimeoutError).ms).toBe(50);
    yield* holder.halt();
    const [row] = yield* db.query<{ ok: number }>(sql`select 1 as ok`);
    expect(row?.ok).toBe(1);
    expect(() => db.copyTo(sql`copy (select 1) to stdout`)).toThrow(NotSupportedError);
  });

  it("starts its session with the session settings", function* () {
    const db = yield* usePglite({
      session: { search_path: "skein_nowhere, public", work_mem: "8MB" },
    });
    const [row] = yield* db.query<{ sp: string; wm: string }>(
      sql`select current_setting('search_path') as sp, current_setting('work_mem') as wm`,
    );
    expect(row).toEqual({ sp: "skein_nowhere, public", wm: "8MB" });
  });

  it("hands the notices a statement raises to onNotice", function* () {
    const notices: Notice[] = [];
    const db = yield* usePglite({ onNotice: (notice) => notices.push(notice) });
    yield* db.query(sql`drop table if exists ${sql.id("never_there")}`);
    yield* db.exec(`do $$ begin raise warning 'careful' using hint = 'look'; end $$`);
    expect(notices).toEqual([
      expect.objectContaining({
        severity: "NOTICE",
        code: "00000",
        message: expect.stringContaining("never_there"),
      }),
      expect.objectContaining({
        severity: "WARNING",
        code: "01000",
        message: "careful",
        hint: "look",
      }),
    ]);
  });

  it("checkpoints by itself, so that a database in memory does not keep all its WAL", function* () {
    // Postgres in single-user mode never checkpoints on its own.
    const db = yield* usePglite({ settings: { max_wal_size: "4MB", min_wal_size: "2MB" } });
    yield* db.query(sql`create table wal_heavy (body text)`);
    const [start] = yield* db.query<{ lsn: string }>(
      sql`select pg_current_wal_insert_lsn()::text as lsn`,
    );
    // About 70 MB: what is kept is counted in whole WAL files, and at 35 MB one file more than
    // usual (18 MB kept) was already past half in a loaded CI run.
    for (let i = 0; i < 16; i++) {
      yield* db.query(
        sql`insert into wal_heavy select repeat(md5(g::text), 32) from generate_series(1, 4000) g`,
      );
    }
    const [wal] = yield* db.query<{ written: number; kept: number }>(
      sql`select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), ${start?.lsn}::pg_lsn)::float8 as written,
                 (select sum(size) from pg_ls_waldir())::float8 as kept`,
    );
    expect(wal?.written).toBeGreaterThan(60 * 2 ** 20);
    expect(wal?.kept).toBeLessThan((wal?.written ?? 0) / 2);
  });

  it("keeps its data in a data directory across restarts", function* () {
    const dir = mkdtempSync(join(tmpdir(), "skein-pglite-"));
    try {
      yield* scopedDb(dir, function* (db) {
        yield* db.query(sql`create table kept (id int)`);
        yield* db.query(sql`insert into kept values (${7})`);
      });
      const ids = yield* scopedDb(dir, function* (db) {
        return yield* db.query<{ id: number }>(sql`select id from kept`);
      });
      expect(ids).toEqual([{ id: 7 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function* scopedDb<T>(dataDir: string, body: (db: Db) => Operation<T>): Operation<T> {
  return yield* scoped(function* () {
    const db = yield* usePostgres({ embedded: { dataDir } });
    return yield* body(db);
  });
}
