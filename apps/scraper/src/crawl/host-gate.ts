import { createSemaphore, type Operation, type Semaphore, sleep } from "@skein/core";

interface Host {
  permits: Semaphore;
  nextStart: number;
  /** Requests holding or waiting for a slot. */
  users: number;
}

/**
 * Internal to the crawl. Politeness per host: at most `perHost` requests at once, and requests
 * started at least `delayMs` apart (the larger of the crawl's delay and the host's crawl-delay).
 * It keeps up to `maxHosts` hosts; beyond that the least recently used hosts that nobody is
 * using and whose delay has passed are forgotten, so a crawl over many hosts does not grow it
 * without bound (a host may be kept beyond the cap while it is busy or inside its delay).
 */
export class HostGate {
  private readonly hosts = new Map<string, Host>();

  constructor(
    private readonly perHost: number,
    private readonly maxHosts = 1024,
  ) {}

  /** How many hosts are kept. */
  get size(): number {
    return this.hosts.size;
  }

  /** Run `operation` once `host` has a free slot and its delay has passed. */
  *run<T>(host: string, delayMs: number, operation: () => Operation<T>): Operation<T> {
    const state = this.enter(host);
    try {
      return yield* state.permits.withPermit(function* () {
        for (
          let wait = state.nextStart - Date.now();
          wait > 0;
          wait = state.nextStart - Date.now()
        ) {
          yield* sleep(wait);
        }
        state.nextStart = Date.now() + delayMs;
        return yield* operation();
      });
    } finally {
      state.users--;
      this.evict();
    }
  }

  /** The host's entry, made the most recently used, with one more user. */
  private enter(host: string): Host {
    let entry = this.hosts.get(host);
    if (entry === undefined) {
      entry = { permits: createSemaphore(this.perHost), nextStart: 0, users: 0 };
    } else {
      this.hosts.delete(host);
    }
    this.hosts.set(host, entry);
    entry.users++;
    return entry;
  }

  private evict(): void {
    if (this.hosts.size <= this.maxHosts) return;
    const now = Date.now();
    for (const [key, host] of this.hosts) {
      if (this.hosts.size <= this.maxHosts) return;
      if (host.users === 0 && host.nextStart <= now) this.hosts.delete(key);
    }
  }
}
