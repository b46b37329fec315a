import { spawn as spawnProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { ensure } from "./ensure.js";
import { on } from "./events.js";
import { describe, it } from "./test/mod.js";
import type { Operation } from "./types.js";
import { withResolvers } from "./with-resolvers.js";

const PROGRAM = fileURLToPath(new URL("./fixtures/main-program.ts", import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

interface Exited {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run the fixture program with `mode`; with `interrupt`, send SIGINT once it prints "ready", and
 * with `twice`, once more when it prints "cleaning up".
 */
function* runProgram(
  mode: string,
  interrupt = false,
  twice = false,
  signal: NodeJS.Signals = "SIGINT",
): Operation<Exited> {
  const child = spawnProcess(process.execPath, ["--import", "tsx", PROGRAM, mode], {
    cwd: PACKAGE_DIR,
    stdio: ["ignore", "pipe", "pipe"],
  });
  yield* ensure(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const closed = yield* on(child, "close");
  const ready = withResolvers<void>();
  const cleaning = withResolvers<void>();
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    if (stdout.includes("ready\n")) ready.resolve();
    if (stdout.includes("cleaning up\n")) cleaning.resolve();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  if (interrupt) {
    yield* ready.operation;
    child.kill(signal);
  }
  if (twice) {
    yield* cleaning.operation;
    child.kill(signal);
  }
  const [status] = (yield* closed.next()).value as [number | null];
  return { status, stdout, stderr };
}

describe("main()", () => {
  it("exits 0 when the program returns", function* () {
    const { status, stdout } = yield* runProgram("succeed");
    expect(stdout).toBe("succeeded\n");
    expect(status).toBe(0);
  }, 30_000);

  it("prints the error and exits 1 when the program fails", function* () {
    const { status, stderr } = yield* runProgram("fail");
    expect(stderr).toContain("the program failed");
    expect(status).toBe(1);
  }, 30_000);

  it("exits with the status given to exit(), after cleanup, printing its message", function* () {
    const { status, stdout, stderr } = yield* runProgram("exit");
    expect(stdout).toBe("cleanup done\n");
    expect(stderr).toBe("leaving with status 3\n");
    expect(status).toBe(3);
  }, 30_000);

  it("exits with the status given to exit() after the program has waited", function* () {
    const { status, stdout, stderr } = yield* runProgram("exit-later");
    expect(stdout).toBe("cleanup done\n");
    expect(stderr).toBe("leaving later with status 4\n");
    expect(status).toBe(4);
  }, 30_000);

  it("runs cleanup on SIGINT and exits 130", function* () {
    const { status, stdout } = yield* runProgram("wait", true);
    expect(stdout).toBe("ready\ncleanup done\n");
    expect(status).toBe(130);
  }, 30_000);

  it("exits 130 at once on a second SIGINT while the cleanup runs", function* () {
    const { status, stdout, stderr } = yield* runProgram("stuck", true, true);
    expect(stdout).toBe("ready\ncleaning up\n");
    expect(stderr).toContain("second interrupt");
    expect(status).toBe(130);
  }, 30_000);

  it("takes a second SIGTERM right after the first for the same one (it used to exit at once)", function* () {
    const { status, stdout, stderr } = yield* runProgram("slow-cleanup", true, true, "SIGTERM");
    expect(stdout).toBe("ready\ncleaning up\ncleanup done\n");
    expect(stderr).not.toContain("second interrupt");
    expect(status).toBe(143);
  }, 30_000);
});
