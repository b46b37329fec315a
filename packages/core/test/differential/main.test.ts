import { fileURLToPath } from "node:url";
import { all, type Operation } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { type Exited, type RunOptions, runCommand } from "../../src/fixtures/program.js";

// main() is a process's entry point, so its differential runs are processes: the same program
// (main-program.ts) under effection 4.1.1's main() and under Skein's, compared by exit status,
// standard output and the first line of standard error (stack traces name different frames).

const PROGRAM = fileURLToPath(new URL("./main-program.ts", import.meta.url));

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

function* runUnder(engine: string, mode: string, options: RunOptions): Operation<Outcome> {
  const args = ["--import", "tsx", PROGRAM, engine, mode];
  const { status, stdout, stderr }: Exited = yield* runCommand(process.execPath, args, options);
  return { status, stdout, stderr: stderr.split("\n")[0] ?? "" };
}

function* bothEngines(mode: string, options: RunOptions = {}) {
  const [effection, skein] = yield* all([
    runUnder("effection", mode, options),
    runUnder("skein", mode, options),
  ]);
  return { effection, skein };
}

describe("main() on effection and on Skein", () => {
  it("exits 0 with the same output when the program returns", function* () {
    const { effection, skein } = yield* bothEngines("succeed");
    expect(skein).toEqual(effection);
    expect(skein).toEqual({
      status: 0,
      stdout: 'arguments after the engine\'s name: ["succeed"]\n',
      stderr: "",
    });
  }, 60_000);

  it("prints the error and exits 1 when the program fails", function* () {
    const { effection, skein } = yield* bothEngines("fail");
    expect(skein).toEqual(effection);
    expect(skein.status).toBe(1);
    expect(skein.stderr).toBe("Error: the program failed");
  }, 60_000);

  it("runs cleanup, prints the message of exit() to stderr and exits with its status", function* () {
    const { effection, skein } = yield* bothEngines("exit");
    expect(skein).toEqual(effection);
    expect(skein.status).toBe(3);
    expect(skein.stdout).toContain("cleanup done\n");
    expect(skein.stderr).toBe("leaving with status 3");
  }, 60_000);

  it("prints the message of exit(0) to stdout", function* () {
    const { effection, skein } = yield* bothEngines("exit-zero");
    expect(skein).toEqual(effection);
    expect(skein.stdout).toContain("all done\n");
    expect(skein.status).toBe(0);
  }, 60_000);

  it("halts the body and its children on SIGINT and exits 130", function* () {
    const { effection, skein } = yield* bothEngines("wait", { interrupt: true });
    expect(skein).toEqual(effection);
    expect(skein.status).toBe(130);
    expect(skein.stdout).toContain("cleanup done\n");
    expect(skein.stdout).toContain("child cleaned up\n");
  }, 60_000);

  it("halts the body and its children on SIGTERM and exits 143", function* () {
    const { effection, skein } = yield* bothEngines("wait", { interrupt: true, signal: "SIGTERM" });
    expect(skein).toEqual(effection);
    expect(skein.status).toBe(143);
  }, 60_000);
});
