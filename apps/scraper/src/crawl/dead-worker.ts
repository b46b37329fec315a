import { hostname } from "node:os";

/**
 * Internal. Whether the lease owner `worker` (the default id `host:pid:suffix` that `crawl()`
 * gives itself) was a process on this machine that no longer runs, so its leases can be taken
 * back at once instead of after they expire. Ids of other machines, of live processes and in
 * other formats are never taken for dead. A reused pid only delays the takeover.
 *
 * @param worker - a lease owner id from the store
 * @returns true when its process is known to be gone
 */
export function isDeadLocalWorker(worker: string): boolean {
  const parts = worker.split(":");
  if (parts.length < 3) return false;
  const pid = Number(parts[parts.length - 2]);
  const host = parts.slice(0, -2).join(":");
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) {
    return false;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
