import { type ChildProcess, spawn as spawnProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { ensure } from "../ensure.js";
import { on } from "../events.js";
import { describe, findTask, it } from "../test/mod.js";
import type { Operation } from "../types.js";
import { until } from "../until.js";
import { withResolvers } from "../with-resolvers.js";
import { PsError } from "./ps-error.js";
import { formatPs, formatPstree } from "./ps-format.js";
import { readTaskTree } from "./read-task-tree.js";

const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));
const WORKLOAD = fileURLToPath(new URL("../fixtures/ps-workload.ts", import.meta.url));

/** A port for the child's inspector, away from 9229 where someone may be debugging. */
function inspectorPort(): number {
  return 20_000 + Math.floor(Math.random() * 20_000);
}

interface Child {
  process: ChildProcess;
  output: { stdout: string; stderr: string };
  exited: Operation<number | null>;
}

function* startChild(
  args: string[],
  options: { uid?: number; readyOn?: string } = {},
): Operation<Child> {
  const child = spawnProcess(process.execPath, args, {
    cwd: PACKAGE_DIR,
    stdio: ["pipe", "pipe", "pipe"],
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
  });
  yield* ensure(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const closed = yield* on(child, "close");
  const output = { stdout: "", stderr: "" };
  const ready = withResolvers<void>();
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    output.stdout += chunk;
    if (output.stdout.includes(options.readyOn ?? "ready\n")) ready.resolve();
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    output.stderr += chunk;
    if (options.readyOn === "") ready.resolve();
  });
  if (options.readyOn !== "") yield* ready.operation;
  return {
    process: child,
    output,
    exited: {
      *[Symbol.iterator]() {
        return ((yield* closed.next()).value as [number | null])[0];
      },
    },
  };
}

function* inspectorAnswers(port: number): Operation<boolean> {
  try {
    yield* until(fetch(`http://127.0.0.1:${port}/json/list`));
    return true;
  } catch {
    return false;
  }
}

describe("readTaskTree()", () => {
  it("reads a crawl's tasks, labels and waits from another process, which then finishes normally", function* () {
    const port = inspectorPort();
    const child = yield* startChild([`--inspect-port=${port}`, "--import", "tsx", WORKLOAD]);
    const pid = child.process.pid!;
    const snapshot = yield* readTaskTree(pid, { port });
    expect(snapshot.pid).toBe(pid);

    const crawler = findTask(snapshot.tree, "crawler")!;
    expect(crawler).toBeDefined();
    const names = crawler.children.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "fetch 1",
        "fetch 2",
        "fetch 3",
        "fetch 4",
        "frontier",
        "politeness",
      ]),
    );
    for (const name of ["fetch 1", "fetch 2"]) {
      expect(findTask(crawler, name)!.waitingOn).toMatch(
        new RegExp(
          `^GET http://127\\.0\\.0\\.1:\\d+/page/${name.slice(-1)} \\(headers\\): promise$`,
        ),
      );
    }
    for (const name of ["fetch 3", "fetch 4"]) {
      expect(findTask(crawler, name)!.waitingOn).toBe("semaphore (2 of 2 held, 2 waiting)");
    }
    expect(findTask(crawler, "frontier")!.waitingOn).toBe("task queue get (empty)");
    expect(findTask(crawler, "politeness")!.waitingOn).toMatch(/^sleep until \d{4}-\d\d-\d\dT/);

    const table = formatPs(snapshot);
    expect(table).toContain(`process ${pid}`);
    expect(table).toMatch(/crawler > politeness\s+suspended\s+\S+\s+sleep until/);
    expect(formatPstree(snapshot)).toMatch(/fetch 3 \(suspended, [^)]*waiting on semaphore/);

    // The inspector is closed again, and the program goes on to finish normally.
    expect(yield* inspectorAnswers(port)).toBe(false);
    child.process.stdin!.write("finish\n");
    expect(yield* child.exited).toBe(0);
    expect(child.output.stdout).toBe("ready\ndone\n");
  }, 60_000);

  it("refuses a process that does not run Skein, and closes the inspector it opened", function* () {
    const port = inspectorPort();
    const child = yield* startChild([
      `--inspect-port=${port}`,
      "-e",
      "process.stdout.write('ready\\n'); setInterval(() => {}, 1000)",
    ]);
    let caught: unknown;
    try {
      yield* readTaskTree(child.process.pid!, { port });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PsError);
    expect(caught).toMatchObject({ code: "not-skein", pid: child.process.pid });
    expect(yield* inspectorAnswers(port)).toBe(false);
    expect(child.process.exitCode).toBe(null);
  }, 60_000);

  it("refuses another user's process before signalling it", function* () {
    const port = inspectorPort();
    const child = yield* startChild(
      [
        `--inspect-port=${port}`,
        "-e",
        "process.stdout.write('ready\\n'); setInterval(() => {}, 1000)",
      ],
      { uid: process.getuid?.() === 0 ? 65534 : undefined },
    );
    let caught: unknown;
    try {
      // Not root: the kernel refuses the signal. Root: the uid check refuses it.
      yield* readTaskTree(process.getuid?.() === 0 ? child.process.pid! : 1, { port });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: "other-user" });
    expect(yield* inspectorAnswers(port)).toBe(false);
  }, 60_000);

  it("refuses to signal a process that is not Node.js", function* () {
    const child = spawnProcess("sleep", ["30"], { stdio: "ignore" });
    yield* ensure(() => {
      child.kill("SIGKILL");
    });
    let caught: unknown;
    try {
      yield* readTaskTree(child.pid!, { port: inspectorPort() });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: "not-skein", pid: child.pid });
    expect((caught as Error).message).toContain("not a Node.js process");
    // SIGUSR1 would have killed it.
    expect(child.exitCode).toBe(null);
    expect(child.signalCode).toBe(null);
  });

  it("rejects a pid that is not a positive integer or not a process", function* () {
    let bad: unknown;
    try {
      yield* readTaskTree(-3);
    } catch (error) {
      bad = error;
    }
    expect(bad).toMatchObject({ code: "bad-pid", pid: -3 });
    let missing: unknown;
    try {
      yield* readTaskTree(2 ** 22 + 17);
    } catch (error) {
      missing = error;
    }
    expect(missing).toMatchObject({ code: "no-such-process" });
  });
});
