import { readFileSync } from "node:fs";
import { hostname } from "node:os";

/** What `/proc/<pid>/stat` says about a process, on Linux. */
interface ProcStat {
  /** One letter: R, S, D, Z (zombie), X (dead)... */
  state: string;
  /** Clock ticks after boot at which the process started: with the pid, it names one process. */
  startTime: string;
}

function procStat(pid: number): ProcStat | "gone" | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No /proc at all (not Linux): the caller falls back to kill(pid, 0).
    if (code === "ENOENT") return readable() ? "gone" : undefined;
    return undefined;
  }
  // The command name is in parentheses and may itself hold spaces and parentheses.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const state = fields[0];
  const startTime = fields[19];
  if (state === undefined || startTime === undefined) return undefined;
  return { state, startTime };
}

function readable(): boolean {
  try {
    readFileSync("/proc/self/stat");
    return true;
  } catch {
    return false;
  }
}

/**
 * Internal. The lease owner id `crawl()` gives itself by default: `host:pid:start:suffix`,
 * where `start` is the process's start time (from `/proc`, empty where there is none), so that
 * another process that later gets the same pid is not taken for the owner.
 *
 * @param suffix - makes several engines of one process distinct
 * @returns the id
 */
export function localWorkerId(suffix: string): string {
  const stat = procStat(process.pid);
  const start = typeof stat === "object" ? stat.startTime : "";
  return `${hostname()}:${process.pid}:${start}:${suffix}`;
}

/**
 * Internal. Whether the lease owner `worker` (an id made by {@link localWorkerId}, or the
 * older `host:pid:suffix`) was a process on this machine that no longer runs, so its leases
 * can be taken back at once instead of after they expire. A process counts as gone when there
 * is no process with its pid, when that process is a zombie (killed, not yet reaped by its
 * parent), or when the process with that pid started at another time than the owner did (the
 * pid was reused). Ids of other machines, of this process and in other formats are never taken
 * for dead.
 *
 * @param worker - a lease owner id from the store
 * @returns true when its process is known to be gone
 */
export function isDeadLocalWorker(worker: string): boolean {
  const parts = worker.split(":");
  if (parts.length < 3) return false;
  const withStart = parts.length >= 4 && /^\d*$/.test(parts[parts.length - 2]!);
  const pidAt = withStart ? parts.length - 3 : parts.length - 2;
  const pid = Number(parts[pidAt]);
  const start = withStart ? parts[parts.length - 2] : "";
  const host = parts.slice(0, pidAt).join(":");
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) {
    return false;
  }
  const stat = procStat(pid);
  if (stat === "gone") return true;
  if (stat !== undefined) {
    if (stat.state === "Z" || stat.state === "X") return true;
    return start !== "" && start !== stat.startTime;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
