import { type Operation, sleep } from "@skein/core";
import type { CrawlStore } from "../store/crawl-store.js";
import { isDeadLocalWorker } from "./dead-worker.js";
import { HostGate } from "./host-gate.js";

/** Internal to the crawl. Per-host politeness: a slot and the host's delay, around an operation. */
export interface Gate {
  run<T>(host: string, delayMs: number, operation: () => Operation<T>): Operation<T>;
  /** A response asked to wait `ms` before the host is fetched again (429/503 `Retry-After`). */
  backoff(host: string, ms: number): Operation<void>;
}

/** Internal to the crawl. How a {@link SharedHostGate} works with the store. */
export interface SharedHostGateOptions {
  store: CrawlStore;
  crawl: number;
  /** The slot holder: this engine's lease owner id, so that a dead holder is recognised. */
  worker: string;
  perHost: number;
  /** Longest a slot is held before another process may take it (its holder died). */
  holdMs: number;
  /** How often to ask again while every slot of a host is taken. */
  pollMs: number;
  maxHosts: number;
}

/**
 * Internal to the crawl. Politeness that holds across every process of a crawl: each request
 * takes one of the host's `perHost` slots in the database (the `hosts` and `host_slots` tables)
 * and starts no sooner than the host's delay after the previous request, by any process,
 * started and ended (the end counts too: a start granted by the database still travels to the
 * server, a little faster or slower each time). Locally a
 * {@link HostGate} first bounds the waiters to `perHost` per host, so at most that many ask the
 * database. Slots held by dead processes on this machine are freed at once; others expire
 * after `holdMs`.
 */
export class SharedHostGate implements Gate {
  private readonly local: HostGate;

  constructor(private readonly options: SharedHostGateOptions) {
    this.local = new HostGate(options.perHost, options.maxHosts);
  }

  *run<T>(host: string, delayMs: number, operation: () => Operation<T>): Operation<T> {
    const { store, crawl, worker } = this.options;
    const acquire = () => this.acquire(host, delayMs);
    return yield* this.local.run(host, 0, function* () {
      const slot = yield* acquire();
      try {
        return yield* operation();
      } finally {
        yield* store.releaseHostSlot(crawl, host, slot, worker, delayMs);
      }
    });
  }

  *backoff(host: string, ms: number): Operation<void> {
    yield* this.options.store.delayHost(this.options.crawl, host, ms);
  }

  private *acquire(host: string, delayMs: number): Operation<number> {
    const { store, crawl, worker, perHost, holdMs, pollMs } = this.options;
    for (;;) {
      const got = yield* store.acquireHostSlot(crawl, host, worker, perHost, delayMs, holdMs);
      if ("slot" in got) return got.slot;
      if ("waitMs" in got) {
        yield* sleep(got.waitMs);
        continue;
      }
      let freed = false;
      for (const { slot, holder } of got.holders) {
        if (isDeadLocalWorker(holder)) {
          yield* store.releaseHostSlot(crawl, host, slot, holder);
          freed = true;
        }
      }
      if (!freed) yield* sleep(pollMs);
    }
  }
}

/** Internal to the crawl. The per-process gate as a {@link Gate}: backoff stays per URL. */
export function localGate(gate: HostGate): Gate {
  return {
    run: (host, delayMs, operation) => gate.run(host, delayMs, operation),
    *backoff() {},
  };
}
