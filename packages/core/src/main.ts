import { createContext } from "./context.js";
import { haltedItself } from "./engine/task.js";
import { detectHost, SIGTERM_STATUS } from "./main-host.js";
import { run } from "./run.js";
import { suspend } from "./suspend.js";
import type { Operation, Task } from "./types.js";

interface Exit {
  status: number;
  message?: string | undefined;
  error?: unknown;
}

/** A SIGTERM this soon after another one is the same request delivered twice. */
const DUPLICATE_SIGTERM_MS = 1000;

const ExitContext = createContext<(exit: Exit) => void>("@skein/exit");

/**
 * End the program from inside {@link main}: the main operation is halted, its cleanup runs, and
 * the process exits with `status` (printing `message`, to stderr unless `status` is 0; in a
 * browser, where there is no process, `main()` returns after printing it to the console).
 *
 * @example
 * ```ts
 * import { exit, main } from "@skein/core";
 *
 * await main(function* (args) {
 *   if (args.length === 0) yield* exit(2, "usage: tool <file>");
 * });
 * ```
 *
 * @param status - the exit code
 * @param message - printed after cleanup
 * @returns an operation that does not return
 */
export function* exit(status: number, message?: string): Operation<void> {
  const leave = yield* ExitContext.expect();
  leave({ status, message });
  yield* suspend();
}

/**
 * The entry point of a program. Runs `body` with the command-line arguments and reports how it
 * ended, on Node, Deno and in browsers (read from globals: the main entry imports nothing from
 * Node).
 *
 * On Node and Deno, SIGINT and SIGTERM halt it (exit codes 130 and 143) after its cleanup has
 * run, and a second one while that cleanup runs exits at once, except a SIGTERM within 1 s of
 * the first, which is taken for the same one delivered twice (to a process group); an error is
 * printed and exits 1; success exits 0.
 *
 * In a browser (or a web or edge worker) there are no arguments and no process to exit: an
 * error or the message of {@link exit} goes to the console, the page's `pagehide` halts the
 * body (cleanup that needs timers or the network may not finish before the page is gone), and
 * the returned promise settles once the body has ended.
 *
 * @example
 * ```ts
 * import { main, sleep } from "@skein/core";
 *
 * await main(function* (args) {
 *   console.log("arguments:", args);
 *   yield* sleep(10);
 * });
 * ```
 *
 * @param body - the program
 * @returns a promise that settles just before the process exits (in a browser: once the body
 *   has ended and its error or message was reported)
 */
export async function main(body: (args: string[]) => Operation<void>): Promise<void> {
  const host = detectHost();
  let result: Exit = { status: 0 };
  let task: Task<void> | undefined;
  let leaving = false;
  const leave = (exit: Exit) => {
    result = exit;
    leaving = true;
    task?.halt();
  };
  let signalled = false;
  let terminatedAt = Number.NEGATIVE_INFINITY;
  const onSignal = (status: number) => {
    if (status === SIGTERM_STATUS) {
      // SIGTERM sent to a process group (timeout(1), kill -TERM -pgid, systemd) reaches a
      // program and the wrapper that forwards it, so it arrives twice: one request, not two.
      const now = performance.now();
      if (now - terminatedAt < DUPLICATE_SIGTERM_MS) return;
      terminatedAt = now;
    }
    if (signalled) {
      // The user asked twice: cleanup that hangs must not keep the program from ending.
      console.error(`a second interrupt while cleaning up: exiting now (${status})`);
      host.exit(status);
      return;
    }
    signalled = true;
    leave({ status });
  };
  // Keeps the process alive while the body waits on nothing that holds the event loop.
  const keepAlive = setInterval(() => {}, 2 ** 30);
  const unlisten = host.listen(onSignal);
  try {
    task = run(function* () {
      yield* ExitContext.set(leave);
      yield* body(host.args);
    });
    // The body's first steps run inside run(), before `task` is set: an exit() there waits here.
    if (leaving) task.halt();
    await task;
  } catch (error) {
    // Only main's own halt (exit() or a signal) is a clean ending; a HaltError that escaped the
    // body (say from joining a child that was halted) is a failure like any other.
    if (task === undefined || !haltedItself(task)) {
      result = { status: 1, error };
    }
  } finally {
    unlisten();
    clearInterval(keepAlive);
  }
  if (result.message !== undefined) {
    if (result.status === 0) console.log(result.message);
    else console.error(result.message);
  }
  if (result.error !== undefined) console.error(result.error);
  host.exit(result.status);
}
