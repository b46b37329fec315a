import { createSemaphore, type Operation, type Semaphore, sleep } from "@skein/core";

interface Host {
  permits: Semaphore;
  nextStart: number;
}

/**
 * Internal to the crawl. Politeness per host: at most `perHost` requests at once, and requests
 * started at least `delayMs` apart (the larger of the crawl's delay and the host's crawl-delay).
 */
export class HostGate {
  private readonly hosts = new Map<string, Host>();

  constructor(private readonly perHost: number) {}

  /** Run `operation` once `host` has a free slot and its delay has passed. */
  run<T>(host: string, delayMs: number, operation: () => Operation<T>): Operation<T> {
    let entry = this.hosts.get(host);
    if (entry === undefined) {
      entry = { permits: createSemaphore(this.perHost), nextStart: 0 };
      this.hosts.set(host, entry);
    }
    const state = entry;
    return state.permits.withPermit(function* () {
      for (let wait = state.nextStart - Date.now(); wait > 0; wait = state.nextStart - Date.now()) {
        yield* sleep(wait);
      }
      state.nextStart = Date.now() + delayMs;
      return yield* operation();
    });
  }
}
