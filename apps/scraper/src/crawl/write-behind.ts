import { createEvent, createLock, type Operation, sleep } from "@skein/core";

/** Internal to the crawl. How a {@link WriteBehind} groups its items. */
export interface WriteBehindOptions<T> {
  /** Writes one batch; it must be safe to write a batch again whose write was halted. */
  write(batch: T[]): Operation<void>;
  /** A batch this big is written by the `add()` that fills it. */
  maxBatch: number;
  /** How long an item may wait for more to join it before `run()` writes it. */
  intervalMs: number;
}

/**
 * Internal to the crawl. A small buffer in front of a batched write: items join the pending
 * batch, which is written when it is full (by the caller that filled it, so writers are held
 * back while the database is behind), when `run()` sees it has waited `intervalMs`, or on
 * `flush()`. A batch whose write is halted goes back to the front of the buffer, so the
 * owner's last `flush()` writes it.
 */
export class WriteBehind<T> {
  private readonly pending: T[] = [];
  private readonly writing = createLock();
  private readonly arrived = createEvent();

  constructor(private readonly options: WriteBehindOptions<T>) {}

  /** Items not written yet. */
  get size(): number {
    return this.pending.length;
  }

  /** Add `item`; writes the batch at once if this fills it. */
  *add(item: T): Operation<void> {
    this.pending.push(item);
    this.arrived.set();
    if (this.pending.length >= this.options.maxBatch) yield* this.flush();
  }

  /** Write everything pending, one batch at a time, after any write in progress. */
  flush(): Operation<void> {
    const pending = this.pending;
    const { write, maxBatch } = this.options;
    return this.writing.withLock(function* () {
      while (pending.length > 0) {
        const batch = pending.splice(0, maxBatch);
        let written = false;
        try {
          yield* write(batch);
          written = true;
        } finally {
          if (!written) pending.unshift(...batch);
        }
      }
    });
  }

  /** Write pending items once they have waited `intervalMs`; runs until halted. */
  *run(): Operation<never> {
    for (;;) {
      yield* this.arrived.wait();
      yield* sleep(this.options.intervalMs);
      this.arrived.reset();
      yield* this.flush();
    }
  }
}
