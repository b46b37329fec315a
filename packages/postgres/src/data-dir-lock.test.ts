import { spawn as spawnProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensure, type Operation, on, scoped, withResolvers } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { caught } from "../test/suite.js";
import { lockDataDir, lockFileOf } from "./data-dir-lock.js";
import { DataDirLockedError, sql, usePglite } from "./mod.js";

const HOLDER = fileURLToPath(new URL("../test/hold-data-dir.ts", import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

/** A fresh directory for the test, removed when it ends. */
function* useTempDir(): Operation<string> {
  const dir = mkdtempSync(join(tmpdir(), "skein-lock-"));
  yield* ensure(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, "data");
}

/** A child process holding `dataDir` open, once it has said so; killed when the test ends. */
function* useHolder(dataDir: string) {
  const child = spawnProcess(
    process.execPath,
    ["--conditions=development", "--import", "tsx", HOLDER, dataDir],
    { cwd: PACKAGE_DIR, stdio: ["ignore", "pipe", "inherit"] },
  );
  yield* ensure(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const closed = yield* on(child, "close");
  const ready = withResolvers<void>();
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    if (chunk.includes("ready\n")) ready.resolve();
  });
  yield* ready.operation;
  return { child, closed };
}

describe("the PGlite data directory lock", () => {
  it("refuses a second handle on one data directory in the same process, naming this process", function* () {
    // Both used to open, each seeing only its own writes, and one writer's rows were lost.
    const dataDir = yield* useTempDir();
    const first = yield* usePglite({ dataDir });
    yield* first.query(sql`create table kept (id int)`);
    const error = yield* caught(usePglite({ dataDir }));
    expect(error).toBeInstanceOf(DataDirLockedError);
    const locked = error as DataDirLockedError;
    expect(locked.code).toBe("PG_DATA_DIR_LOCKED");
    expect(locked.holder).toMatchObject({ pid: process.pid, host: hostname() });
    expect(locked.message).toContain("this process");
    yield* first.query(sql`insert into kept values (${1})`);
    expect(yield* first.query(sql`select id from kept`)).toEqual([{ id: 1 }]);
  });

  it("frees the directory when the scope that opened it ends", function* () {
    const dataDir = yield* useTempDir();
    yield* scoped(function* () {
      const db = yield* usePglite({ dataDir });
      yield* db.query(sql`create table kept (id int)`);
      expect(existsSync(lockFileOf(dataDir))).toBe(true);
    });
    expect(existsSync(lockFileOf(dataDir))).toBe(false);
    const again = yield* usePglite({ dataDir });
    expect(yield* again.query(sql`select count(*)::int as n from kept`)).toEqual([{ n: 0 }]);
  });

  it("refuses a directory another process holds, naming it, and takes it over after that process is killed with kill -9", function* () {
    const dataDir = yield* useTempDir();
    const { child, closed } = yield* useHolder(dataDir);
    const error = yield* caught(usePglite({ dataDir }));
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect((error as DataDirLockedError).holder).toMatchObject({
      pid: child.pid,
      host: hostname(),
    });
    child.kill("SIGKILL");
    yield* closed.next();
    // The dead holder's lock file is still there; it is stale and taken over.
    expect(JSON.parse(readFileSync(lockFileOf(dataDir), "utf8")).pid).toBe(child.pid);
    const db = yield* usePglite({ dataDir });
    expect(yield* db.query(sql`select count(*)::int as n from held`)).toEqual([{ n: 0 }]);
    expect(JSON.parse(readFileSync(lockFileOf(dataDir), "utf8")).pid).toBe(process.pid);
  }, 60_000);

  it("takes over a lock whose pid now belongs to a process started at another time", function* () {
    const dataDir = yield* useTempDir();
    const file = lockFileOf(dataDir);
    lockDataDir(dataDir).release();
    // This process's pid, reused: the start time in the file is not this process's.
    writeFileSync(
      file,
      JSON.stringify({ pid: process.pid, host: hostname(), started: "1", token: "x" }),
    );
    const lock = lockDataDir(dataDir);
    expect(JSON.parse(readFileSync(file, "utf8")).token).not.toBe("x");
    lock.release();
    expect(existsSync(file)).toBe(false);
  });

  it("does not take over a lock held on another host, and names that host", function* () {
    const dataDir = yield* useTempDir();
    const file = lockFileOf(dataDir);
    lockDataDir(dataDir).release();
    writeFileSync(file, JSON.stringify({ pid: 1, host: "elsewhere.example", token: "y" }));
    expect(() => lockDataDir(dataDir)).toThrow(/process 1 on elsewhere\.example/);
  });
});
