import type { TransferListItem } from "node:worker_threads";
import { action } from "../action.js";
import type { Operation } from "../types.js";
import { waitingFor } from "../waiting-for.js";
import { unwrapTransfer } from "./transfer.js";
import { WorkerCrashedError } from "./worker-errors.js";
import { replyValue, WorkerThread } from "./worker-thread.js";

/**
 * Run one function in a new worker thread and return its (awaited) result; the worker is
 * stopped afterwards. Halting the operation terminates the worker, even in the middle of a
 * synchronous loop. For repeated work, {@link useWorkerPool} keeps workers warm.
 *
 * The function is sent as source text (`fn.toString()`) and evaluated in the worker, so it must
 * be self-contained: no closures over outer variables, no `this`, no static imports. It runs in a
 * CommonJS context, so `require("node:fs")` works. Your build tool must leave its source alone:
 * vitest, for one, rewrites `import()` into a helper the worker does not have. Arguments and the result are
 * structured clones; wrap one in `transfer()` to move it. Errors come back as {@link WorkerError}.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { toThread } from "@skein/core/node";
 *
 * const primes = await run(() =>
 *   toThread((limit: number) => {
 *     let count = 0;
 *     for (let n = 2; n < limit; n++) {
 *       let prime = true;
 *       for (let d = 2; d * d <= n; d++) if (n % d === 0) { prime = false; break; }
 *       if (prime) count++;
 *     }
 *     return count;
 *   }, 1_000_000),
 * );
 * ```
 *
 * @param fn - a self-contained function
 * @param args - its arguments
 * @returns an operation yielding what `fn` returned
 */
export function toThread<TArgs extends unknown[], R>(
  fn: (...args: TArgs) => R,
  ...args: TArgs
): Operation<Awaited<R>> {
  if (typeof fn !== "function") {
    throw new TypeError(`toThread(): fn must be a function, got ${String(fn)}`);
  }
  const written = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}$/.test(written)) {
    throw new TypeError(`toThread(): fn must be written in JavaScript, got native ${fn.name}`);
  }
  const source = withNameHelper(written);
  const description = `worker thread ${fn.name === "" ? "(anonymous function)" : fn.name}`;
  return {
    *[Symbol.iterator]() {
      const transferList: TransferListItem[] = [];
      const plain = args.map((arg) => unwrapTransfer(arg, transferList));
      let thread: WorkerThread | undefined;
      try {
        return (yield* waitingFor(
          description,
          action<unknown>((resolve, reject) => {
            thread = new WorkerThread(null, [], {
              reply(_, reply) {
                try {
                  resolve(replyValue(reply));
                } catch (error) {
                  reject(error as Error);
                }
              },
              exit(_, exitCode, crash) {
                reject(new WorkerCrashedError(exitCode, crash));
              },
            });
            thread.post({ id: 0, source, args: plain }, transferList);
            return () => {};
          }),
        )) as Awaited<R>;
      } finally {
        if (thread !== undefined) {
          thread.terminate();
          yield* thread.exited;
        }
      }
    },
  };
}

/**
 * Transforms that keep function names (esbuild's `keepNames`, which tsx turns on) call a
 * module-level `__name(fn, name)` inside the function's own source; the worker evaluates that
 * source alone, so give it a `__name` of its own.
 */
function withNameHelper(source: string): string {
  if (!source.includes("__name")) return source;
  return `((__name) => (${source}\n))((fn, name) => Object.defineProperty(fn, "name", { value: name, configurable: true }))`;
}
