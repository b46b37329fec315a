import { execFileSync } from "node:child_process";
import { readFileSync, readlinkSync } from "node:fs";
import { basename } from "node:path";
import WebSocket from "ws";
import { ensure } from "../ensure.js";
import type { InspectSnapshot } from "../inspect-hook.js";
import { race } from "../race.js";
import { sleep } from "../sleep.js";
import type { Operation } from "../types.js";
import { until } from "../until.js";
import { withResolvers } from "../with-resolvers.js";
import { PsError } from "./ps-error.js";

/**
 * Options of {@link readTaskTree}.
 *
 * @example
 * ```ts
 * import type { ReadTaskTreeOptions } from "@skein/core/node";
 *
 * const options: ReadTaskTreeOptions = { port: 9229, timeoutMs: 5_000 };
 * ```
 */
export interface ReadTaskTreeOptions {
  /** The port the target's inspector opens on (Node's default for `SIGUSR1`). Default 9229. */
  port?: number;
  /** How long to wait for the inspector to open and answer, in milliseconds. Default 5 000. */
  timeoutMs?: number;
}

const EXPRESSION = `(() => {
  const hook = globalThis[Symbol.for("@skein/core/inspect")];
  return typeof hook === "function" ? hook() : null;
})()`;

/** Closes the inspector after the reply has gone out. */
const CLOSE_EXPRESSION = "setImmediate(() => process._debugEnd()), true";

function checkTarget(pid: number): void {
  try {
    process.kill(pid, 0);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ESRCH") throw new PsError("no-such-process", pid, `no process ${pid}`);
    if (code === "EPERM") {
      throw new PsError("other-user", pid, `process ${pid} belongs to another user; refusing`);
    }
    throw error;
  }
  // Root may signal anyone: refuse other users' processes all the same.
  if (process.platform === "linux" && typeof process.getuid === "function") {
    let status: string;
    try {
      status = readFileSync(`/proc/${pid}/status`, "utf8");
    } catch {
      return;
    }
    const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
    if (uid !== undefined && Number(uid) !== process.getuid()) {
      throw new PsError("other-user", pid, `process ${pid} belongs to another user; refusing`);
    }
  }
}

/**
 * The target's executable, so that only a Node.js process is ever sent `SIGUSR1`: for most other
 * programs that signal's default action is to terminate.
 */
function executableOf(pid: number): string | undefined {
  try {
    if (process.platform === "linux") {
      try {
        return basename(readlinkSync(`/proc/${pid}/exe`));
      } catch {
        const argv0 = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0];
        return argv0 === undefined || argv0 === "" ? undefined : basename(argv0);
      }
    }
    const comm = execFileSync("ps", ["-o", "comm=", "-p", String(pid)], { encoding: "utf8" });
    return basename(comm.trim());
  } catch {
    return undefined;
  }
}

function checkNode(pid: number): void {
  const executable = executableOf(pid);
  if (executable === undefined || !/node/i.test(executable)) {
    throw new PsError(
      "not-skein",
      pid,
      `process ${pid} is not a Node.js process (${executable ?? "unknown executable"}); refusing to signal it`,
    );
  }
}

interface Target {
  webSocketDebuggerUrl: string;
}

function* listTargets(port: number): Operation<Target[] | undefined> {
  try {
    const response = yield* until(fetch(`http://127.0.0.1:${port}/json/list`));
    if (!response.ok) return undefined;
    return (yield* until(response.json())) as Target[];
  } catch {
    return undefined;
  }
}

/** One inspector session over a WebSocket, closed with the calling scope. */
function* useSession(
  url: string,
  pid: number,
): Operation<(method: string, params: object) => Operation<any>> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  yield* ensure(() => {
    socket.terminate();
  });
  const opened = withResolvers<void>();
  socket.once("open", () => opened.resolve());
  socket.once("error", (error) => opened.reject(error));
  try {
    yield* opened.operation;
  } catch (error) {
    throw new PsError(
      "protocol",
      pid,
      `cannot connect to the inspector: ${(error as Error).message}`,
    );
  }
  const pending = new Map<number, (reply: any) => void>();
  let nextId = 1;
  socket.on("message", (data) => {
    const reply = JSON.parse(String(data)) as { id?: number };
    if (reply.id !== undefined) pending.get(reply.id)?.(reply);
  });
  const closed = withResolvers<any>();
  socket.once("close", () => closed.resolve({ closed: true }));
  return function* call(method: string, params: object) {
    const id = nextId++;
    const answered = withResolvers<any>();
    pending.set(id, (reply) => answered.resolve(reply));
    socket.send(JSON.stringify({ id, method, params }));
    try {
      const reply = yield* race([answered.operation, closed.operation]);
      if (reply.closed) throw new PsError("protocol", pid, "the inspector closed the session");
      if (reply.error) {
        throw new PsError("protocol", pid, `${method} failed: ${JSON.stringify(reply.error)}`);
      }
      return reply.result;
    } finally {
      pending.delete(id);
    }
  };
}

function* evaluate(
  call: (method: string, params: object) => Operation<any>,
  expression: string,
): Operation<unknown> {
  const result = yield* call("Runtime.evaluate", { expression, returnByValue: true });
  return result?.result?.value;
}

/**
 * Read the live task tree of another Node process running Skein, without code changes in it,
 * as `skein ps` does: signal `SIGUSR1` so that it opens its inspector, evaluate Skein's
 * well-known hook (`globalThis[Symbol.for("@skein/core/inspect")]`, offered once `run()` or
 * `main()` has started) through the inspector protocol, and close the inspector again. An
 * inspector that was already open is left open. Refuses with a {@link PsError} when the
 * process belongs to another user, is not a Node.js process (it is never signalled then), or
 * does not run Skein.
 *
 * What the target notices: Node prints "Debugger listening on …" and "Debugger attached."
 * lines to its stderr, and its event loop runs the evaluation (a snapshot of the tree).
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { readTaskTree } from "@skein/core/node";
 *
 * const snapshot = await run(() => readTaskTree(12345));
 * console.log(snapshot.tree.children.map((child) => child.name));
 * ```
 *
 * @param pid - the target process
 * @param options - the inspector port and how long to wait
 * @returns the process's snapshot
 */
export function* readTaskTree(
  pid: number,
  options: ReadTaskTreeOptions = {},
): Operation<InspectSnapshot> {
  if (!Number.isInteger(pid) || pid <= 0) {
    throw new PsError("bad-pid", pid, `pid must be a positive integer, got ${String(pid)}`);
  }
  const { port = 9229, timeoutMs = 5_000 } = options;
  checkTarget(pid);
  checkNode(pid);
  let targets = yield* listTargets(port);
  const wasOpen = targets !== undefined;
  if (!wasOpen) {
    process.kill(pid, "SIGUSR1");
    // The inspector opens on the target's own event loop turn: poll its HTTP endpoint.
    for (let waited = 0; targets === undefined || targets.length === 0; waited += 25) {
      if (waited >= timeoutMs) {
        throw new PsError(
          "inspector-unavailable",
          pid,
          `process ${pid} did not open an inspector on port ${port} within ${timeoutMs} ms`,
        );
      }
      yield* sleep(25);
      targets = yield* listTargets(port);
    }
  }
  const target = targets![0];
  if (target === undefined) {
    throw new PsError("inspector-unavailable", pid, `no inspector target on port ${port}`);
  }
  const call = yield* useSession(target.webSocketDebuggerUrl, pid);
  const reached = yield* evaluate(call, "process.pid");
  if (reached !== pid) {
    throw new PsError(
      "port-taken",
      pid,
      `port ${port} belongs to process ${String(reached)}, not ${pid}; pass another port`,
    );
  }
  try {
    const json = yield* evaluate(call, EXPRESSION);
    if (typeof json !== "string") {
      throw new PsError("not-skein", pid, `process ${pid} does not run Skein (no task tree hook)`);
    }
    return JSON.parse(json) as InspectSnapshot;
  } finally {
    if (!wasOpen) yield* evaluate(call, CLOSE_EXPRESSION);
  }
}
