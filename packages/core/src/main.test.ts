import { expect } from "vitest";
import { runProgram } from "./fixtures/program.js";
import { describe, it } from "./test/mod.js";

const PROGRAM = new URL("./fixtures/main-program.ts", import.meta.url);

function runMain(mode: string, interrupt = false, twice = false) {
  return runProgram(PROGRAM, mode, interrupt, twice);
}

describe("main()", () => {
  it("exits 0 when the program returns", function* () {
    const { status, stdout } = yield* runMain("succeed");
    expect(stdout).toBe("succeeded\n");
    expect(status).toBe(0);
  }, 30_000);

  it("prints the error and exits 1 when the program fails", function* () {
    const { status, stderr } = yield* runMain("fail");
    expect(stderr).toContain("the program failed");
    expect(status).toBe(1);
  }, 30_000);

  it("exits with the status given to exit(), after cleanup, printing its message", function* () {
    const { status, stdout, stderr } = yield* runMain("exit");
    expect(stdout).toBe("cleanup done\n");
    expect(stderr).toBe("leaving with status 3\n");
    expect(status).toBe(3);
  }, 30_000);

  it("exits with the status given to exit() after the program has waited", function* () {
    const { status, stdout, stderr } = yield* runMain("exit-later");
    expect(stdout).toBe("cleanup done\n");
    expect(stderr).toBe("leaving later with status 4\n");
    expect(status).toBe(4);
  }, 30_000);

  it("runs cleanup on SIGINT and exits 130", function* () {
    const { status, stdout } = yield* runMain("wait", true);
    expect(stdout).toBe("ready\ncleanup done\n");
    expect(status).toBe(130);
  }, 30_000);

  it("exits 130 at once on a second SIGINT while the cleanup runs", function* () {
    const { status, stdout, stderr } = yield* runMain("stuck", true, true);
    expect(stdout).toBe("ready\ncleaning up\n");
    expect(stderr).toContain("second interrupt");
    expect(status).toBe(130);
  }, 30_000);

  it("prints a HaltError that escapes the body and exits 1", function* () {
    const { status, stderr } = yield* runMain("escaped-halt");
    expect(stderr).toContain("HaltError");
    expect(status).toBe(1);
  }, 30_000);

  it("takes a second SIGTERM right after the first for the same one (it used to exit at once)", function* () {
    const { status, stdout, stderr } = yield* runProgram(
      PROGRAM,
      "slow-cleanup",
      true,
      true,
      [],
      "SIGTERM",
    );
    expect(stdout).toBe("ready\ncleaning up\ncleanup done\n");
    expect(stderr).not.toContain("second interrupt");
    expect(status).toBe(143);
  }, 30_000);
});
