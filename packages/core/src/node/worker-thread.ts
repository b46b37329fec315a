import { pathToFileURL } from "node:url";
import { type TransferListItem, Worker } from "node:worker_threads";
import type { Operation } from "../types.js";
import { type WithResolvers, withResolvers } from "../with-resolvers.js";
import { WORKER_BOOTSTRAP } from "./worker-bootstrap.js";
import { type RemoteError, WorkerError } from "./worker-errors.js";

/** Internal. A reply from the bootstrap. */
export type Reply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: RemoteError };

/** Internal. What a thread reports to its owner. */
export interface ThreadEvents {
  reply(thread: WorkerThread, reply: Reply): void;
  exit(thread: WorkerThread, exitCode: number, crash: unknown): void;
}

/** Internal. Turn a module given as a path, a file URL string or a URL into a URL string. */
export function moduleUrl(module: unknown, caller: string): string {
  if (module instanceof URL) return module.href;
  if (typeof module === "string" && module.length > 0) {
    return /^[a-z][a-z0-9+.-]+:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)
      ? module
      : pathToFileURL(module).href;
  }
  throw new TypeError(`${caller}: module must be a path or a URL, got ${String(module)}`);
}

/** Internal. The value of a reply, or its error rebuilt. */
export function replyValue(reply: Reply): unknown {
  if (reply.ok) return reply.value;
  throw new WorkerError(reply.error);
}

/**
 * Internal. One worker thread running the bootstrap. Its `exit` event is the only thing that
 * says it is gone, so `terminate()` does not return the promise and `exited` waits for the event.
 */
export class WorkerThread {
  readonly worker: Worker;
  private readonly ended: WithResolvers<void> = withResolvers();
  alive = true;
  private crash: unknown = undefined;

  constructor(
    module: string | null,
    imports: readonly string[],
    private readonly events: ThreadEvents,
  ) {
    this.worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: { module, imports } });
    this.worker.on("message", (reply: Reply) => this.events.reply(this, reply));
    this.worker.on("error", (error) => {
      this.crash = error;
    });
    this.worker.on("exit", (exitCode) => {
      this.alive = false;
      this.ended.resolve();
      this.events.exit(this, exitCode, this.crash);
    });
  }

  post(message: object, transferList: readonly TransferListItem[]): void {
    this.worker.postMessage(message, transferList);
  }

  /** Stop the thread, also in the middle of synchronous code; `exited` settles when it is gone. */
  terminate(): void {
    if (this.alive) this.worker.terminate();
  }

  /** Waits for the thread's `exit` event. */
  get exited(): Operation<void> {
    return this.ended.operation;
  }
}
