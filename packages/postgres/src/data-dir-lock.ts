import { randomUUID } from "node:crypto";
import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { DataDirLockedError, type LockHolder } from "./errors.js";

/** Internal. A lock taken with {@link lockDataDir}; `release()` removes it if it is still ours. */
export interface DataDirLock {
  readonly file: string;
  release(): void;
}

interface LockRecord extends LockHolder {
  token: string;
}

/**
 * When `pid` started, in clock ticks since boot (`/proc/<pid>/stat`, field 22), so that a pid
 * reused by another process after a crash is not taken for the holder; `undefined` where there
 * is no `/proc`, or no such process.
 */
function startOf(pid: number | "self"): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name, in parentheses, may hold spaces: count fields after its last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether the process that wrote `record` is gone: only knowable on this host. */
function stale(record: LockRecord): boolean {
  if (record.host !== hostname()) return false;
  if (!alive(record.pid)) return true;
  const started = startOf(record.pid);
  return record.started !== undefined && started !== undefined && started !== record.started;
}

function read(file: string): { text: string; record: LockRecord | undefined } | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const record = JSON.parse(text) as LockRecord;
    return typeof record.pid === "number" ? { text, record } : { text, record: undefined };
  } catch {
    // Written halfway by a process that died: nobody holds it.
    return { text, record: undefined };
  }
}

/**
 * Internal. The lock file of a PGlite data directory: beside it, `<dir>.skein-lock`, since
 * PGlite's initdb wants the directory itself empty.
 *
 * @param dataDir - the data directory
 * @returns the lock file's path
 */
export function lockFileOf(dataDir: string): string {
  const dir = resolve(dataDir);
  return join(dirname(dir), `${basename(dir)}.skein-lock`);
}

/**
 * Internal. Take the exclusive lock on a PGlite data directory: one handle, in one process, at
 * a time. The lock file names the holder (pid, host, process start time). A lock left by a
 * process that is gone (killed with `kill -9`, say) on this host is taken over; any other lock
 * fails with {@link DataDirLockedError} naming its holder.
 *
 * @param dataDir - the data directory
 * @returns the lock, to release when the database has closed
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = lockFileOf(dataDir);
  mkdirSync(dirname(file), { recursive: true });
  const record: LockRecord = {
    pid: process.pid,
    host: hostname(),
    started: startOf("self"),
    token: randomUUID(),
  };
  const text = `${JSON.stringify(record)}\n`;
  // Written whole under a private name, then linked into place: the link either creates the
  // lock file complete or fails because it exists, so no reader ever sees half of it.
  const draft = `${file}.${record.token}`;
  const fd = openSync(draft, "wx");
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(draft, file);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const found = read(file);
      if (found === undefined) continue;
      if (found.record !== undefined && !stale(found.record)) {
        throw new DataDirLockedError(dataDir, file, found.record);
      }
      if (attempt > 2) throw new DataDirLockedError(dataDir, file, found.record);
      // Stale: move it aside, and make sure what was moved is what was judged stale (another
      // process may have taken it over in between); if not, put it back.
      const aside = `${file}.stale.${record.token}`;
      try {
        renameSync(file, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
        throw error;
      }
      const moved = readFileSync(aside, "utf8");
      if (moved !== found.text) {
        try {
          linkSync(aside, file);
        } catch {
          // Someone else's lock is in place already.
        }
      }
      unlinkSync(aside);
    }
  } finally {
    unlinkSync(draft);
  }
  return {
    file,
    release() {
      if (read(file)?.record?.token === record.token) unlinkSync(file);
    },
  };
}
