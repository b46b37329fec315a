import type { Api, Log } from "../harness.js";

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A task that waits forever and logs when its cleanup starts and ends. */
export function* waiter(api: Api, log: Log, name: string): Generator<unknown, void, any> {
  log(`${name} started`);
  try {
    yield* api.suspend();
  } finally {
    log(`${name} finally`);
  }
}

export class LoggingTarget extends EventTarget {
  constructor(private log: Log) {
    super();
  }
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void {
    this.log(`removed ${type} listener`);
    super.removeEventListener(type, listener, options);
  }
}

export function* childThenHalt(api: Api, log: Log) {
  const task = yield* api.spawn(() => waiter(api, log, "child"));
  yield* api.sleep(0);
  return task;
}
