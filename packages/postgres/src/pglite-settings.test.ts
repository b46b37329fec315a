import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensure, type Operation, scoped } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { type Db, InvalidArgumentError, type PgliteOptions, sql, usePglite } from "./mod.js";
import { pgliteStartArgs } from "./pglite-settings.js";

const NAMES = ["shared_buffers", "max_wal_size", "full_page_writes", "work_mem"];

function* settingsOf(db: Db): Operation<Record<string, string>> {
  const rows = yield* db.query<{ name: string; value: string }>(
    sql`select name, current_setting(name) as value from pg_settings where name = any(${NAMES})`,
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.value]));
}

function* dataDir(): Operation<string> {
  const dir = mkdtempSync(join(tmpdir(), "skein-pglite-settings-"));
  yield* ensure(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The settings of a database opened with `options`, closed again before this returns. */
function open(options: PgliteOptions): Operation<Record<string, string>> {
  return scoped(function* () {
    return yield* settingsOf(yield* usePglite(options));
  });
}

describe("PgliteOptions.settings", () => {
  it("reach a database in memory, over 16MB of shared buffers and its WAL settings", function* () {
    expect(yield* open({})).toEqual({
      shared_buffers: "16MB",
      max_wal_size: "16MB",
      full_page_writes: "off",
      work_mem: "4MB",
    });
    const chosen = yield* open({
      settings: { shared_buffers: "24MB", full_page_writes: true, work_mem: 8192 },
    });
    expect(chosen).toEqual({
      shared_buffers: "24MB",
      max_wal_size: "16MB",
      full_page_writes: "on",
      work_mem: "8MB",
    });
  });

  it("reach a data directory, which keeps its full-page writes and WAL size", function* () {
    const dir = yield* dataDir();
    expect(yield* open({ dataDir: dir })).toEqual({
      shared_buffers: "16MB",
      max_wal_size: "64MB",
      full_page_writes: "on",
      work_mem: "4MB",
    });
    const reopened = yield* open({ dataDir: dir, settings: { shared_buffers: "32MB" } });
    expect(reopened.shared_buffers).toBe("32MB");
  });

  it("are checked before the worker starts", function* () {
    expect(() => pgliteStartArgs({ "work_mem=1MB -c fsync": "on" }, true)).toThrow(
      InvalidArgumentError,
    );
    expect(() => pgliteStartArgs({ work_mem: {} as unknown as string }, true)).toThrow(
      InvalidArgumentError,
    );
    expect(pgliteStartArgs({ shared_buffers: "1GB" }, false)).toEqual(["-c", "shared_buffers=1GB"]);
  });
});
