import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Operation, resource, until } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { build } from "esbuild";
import { expect } from "vitest";
import { type Exited, type RunOptions, runCommand } from "../src/fixtures/program.js";

// main() on a real Deno (the `deno` dev dependency ships the binary): the program main.test.ts
// runs on Node, bundled as a user's bundler would, with the same arguments and signals.

/** The Deno binary from the platform package that `deno` installs, if this platform has one. */
function denoBinary(): string | undefined {
  const targets: Record<string, string> = {
    "linux-x64": "linux-x64-glibc",
    "linux-arm64": "linux-arm64-glibc",
    "darwin-x64": "darwin-x64",
    "darwin-arm64": "darwin-arm64",
    "win32-x64": "win32-x64",
  };
  const target = targets[`${process.platform}-${process.arch}`];
  if (target === undefined) return undefined;
  try {
    const fromDeno = createRequire(createRequire(import.meta.url).resolve("deno/package.json"));
    const dir = dirname(fromDeno.resolve(`@deno/${target}/package.json`));
    return join(dir, process.platform === "win32" ? "deno.exe" : "deno");
  } catch {
    return undefined;
  }
}

const DENO = denoBinary();
const skip = DENO === undefined && !process.env.CI;
if (skip)
  console.warn("deno test skipped: no Deno binary for this platform; in CI it fails instead");

const PROGRAM = fileURLToPath(new URL("../src/fixtures/main-program.ts", import.meta.url));

/** A folder with the bundled program and Deno's cache, removed when the scope ends. */
function useBundledProgram(): Operation<string> {
  return resource<string>(function* (provide) {
    const dir = mkdtempSync(join(tmpdir(), "skein-core-deno-"));
    try {
      yield* until(
        build({
          entryPoints: [PROGRAM],
          outfile: join(dir, "program.mjs"),
          bundle: true,
          format: "esm",
          platform: "neutral",
          conditions: ["development"],
          logLevel: "silent",
        }),
      );
      yield* provide(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

function* runOnDeno(mode: string, options: RunOptions = {}): Operation<Exited> {
  const dir = yield* useBundledProgram();
  const args = ["run", "--quiet", "--no-config", join(dir, "program.mjs"), mode];
  return yield* runCommand(DENO!, args, { ...options, env: { DENO_DIR: join(dir, "cache") } });
}

describe.skipIf(skip)("main() on Deno", () => {
  it("exits 0 when the program returns", function* () {
    const { status, stdout } = yield* runOnDeno("succeed");
    expect(stdout).toBe("succeeded\n");
    expect(status).toBe(0);
  }, 60_000);

  it("prints the error and exits 1 when the program fails", function* () {
    const { status, stderr } = yield* runOnDeno("fail");
    expect(stderr).toContain("the program failed");
    expect(status).toBe(1);
  }, 60_000);

  it("exits with the status given to exit(), after cleanup, printing its message", function* () {
    const { status, stdout, stderr } = yield* runOnDeno("exit-later");
    expect(stdout).toBe("cleanup done\n");
    expect(stderr).toBe("leaving later with status 4\n");
    expect(status).toBe(4);
  }, 60_000);

  it("runs cleanup on SIGINT and exits 130", function* () {
    const { status, stdout } = yield* runOnDeno("wait", { interrupt: true });
    expect(stdout).toBe("ready\ncleanup done\n");
    expect(status).toBe(130);
  }, 60_000);

  it("runs cleanup on SIGTERM and exits 143", function* () {
    const { status, stdout } = yield* runOnDeno("wait", { interrupt: true, signal: "SIGTERM" });
    expect(stdout).toBe("ready\ncleanup done\n");
    expect(status).toBe(143);
  }, 60_000);

  it("exits 130 at once on a second SIGINT while the cleanup runs", function* () {
    const { status, stdout, stderr } = yield* runOnDeno("stuck", { interrupt: true, twice: true });
    expect(stdout).toBe("ready\ncleaning up\n");
    expect(stderr).toContain("second interrupt");
    expect(status).toBe(130);
  }, 60_000);
});
