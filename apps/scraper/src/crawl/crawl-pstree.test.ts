import { type ChildProcess, spawn as spawnProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ensure, type Operation, on, race, withResolvers } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect, it as vitestIt } from "vitest";
import { serverUrl } from "../testing/test-databases.js";

const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));
const PROGRAM = fileURLToPath(new URL("../testing/ps-crawl-program.ts", import.meta.url));
/** The `skein` command of @skein/core, run from its sources. */
const SKEIN = fileURLToPath(
  new URL("../../node_modules/@skein/core/bin/skein.mjs", import.meta.url),
);
const NODE_ARGS = ["--conditions=development", "--import", "tsx"];

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
  env: Record<string, string>,
  readyOn?: string,
): Operation<Child> {
  const child = spawnProcess(process.execPath, args, {
    cwd: PACKAGE_DIR,
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  yield* ensure(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const closed = yield* on(child, "close");
  const output = { stdout: "", stderr: "" };
  const ready = withResolvers<void>();
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    output.stdout += chunk;
    if (readyOn !== undefined && output.stdout.includes(readyOn)) ready.resolve();
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    output.stderr += chunk;
  });
  const exited: Operation<number | null> = {
    *[Symbol.iterator]() {
      return ((yield* closed.next()).value as [number | null])[0];
    },
  };
  if (readyOn !== undefined) {
    // Fail with the child's output if it exits before it is ready.
    yield* race([
      ready.operation,
      {
        *[Symbol.iterator]() {
          const code = yield* exited;
          throw new Error(`the program exited (${code}) before it was ready:\n${output.stderr}`);
        },
      },
    ]);
  }
  return { process: child, output, exited };
}

/** Run `skein <command> <pid>` and return what it printed. */
function* skein(command: "ps" | "pstree", pid: number, port: number): Operation<string> {
  const cli = yield* startChild(
    [...NODE_ARGS, SKEIN, "--source", command, String(pid), "--port", String(port)],
    {},
  );
  const code = yield* cli.exited;
  expect(cli.output.stderr).toBe("");
  expect(code).toBe(0);
  return cli.output.stdout;
}

const url = serverUrl();
if (url === undefined && process.env.CI !== "true" && process.env.CI !== "1") {
  describe.skip("skein pstree on a crawl (skipped: set PGHOST or DATABASE_URL)", () => {
    vitestIt("needs a server", () => {});
  });
} else {
  describe("skein pstree on a crawl in another process", () => {
    it("finds the crawl's tasks by name with the request and the query each waits on, and the crawl then finishes", function* () {
      if (url === undefined) throw new Error("CI is set but no Postgres server is configured");
      const port = inspectorPort();
      const program = yield* startChild(
        [`--inspect-port=${port}`, ...NODE_ARGS, PROGRAM],
        { PS_DATABASE: url },
        "ready\n",
      );
      const pid = program.process.pid!;

      const tree = yield* skein("pstree", pid, port);
      expect(tree.split("\n")[0]).toBe(`process ${pid}`);
      // Every task Skein's packages started has a name: no bare task or resource node.
      expect(tree).not.toMatch(/─ (task|resource) \(/);
      expect(tree).toMatch(/─ serve GET \/page\/[12] \(suspended/);
      for (const worker of ["worker 1", "worker 2"]) {
        expect(tree).toMatch(new RegExp(`─ ${worker} \\(suspended`));
      }
      expect(tree).toMatch(
        /─ GET http:\/\/127\.0\.0\.1:\d+\/page\/[12] \(resource, suspended, [^,]+, waiting on GET http:\/\/127\.0\.0\.1:\d+\/page\/[12] \((headers|body)\)/,
      );
      expect(tree).toMatch(
        /─ lock waiter \(suspended, [^,]+, waiting on query select pg_advisory_xact_lock\(\$1\): promise\)/,
      );
      expect(tree).toMatch(/─ lock holder \(suspended, [^,]+, waiting on transaction/);
      expect(tree).toMatch(/─ http client \(resource, suspended/);
      expect(tree).toMatch(/─ postgres postgres:\/\/\S+ \(resource, suspended/);

      const table = yield* skein("ps", pid, port);
      expect(table).toMatch(
        /ps crawl program > lock waiter\s+suspended\s+\S+\s+query select pg_advisory_xact_lock/,
      );

      // Reading the tree left the program alone: it finishes normally.
      program.process.stdin!.write("finish\n");
      expect(yield* program.exited).toBe(0);
      expect(program.output.stdout).toMatch(/^ready\ndone \{/);
      expect(program.output.stdout).toContain('"finished":3');
    }, 120_000);
  });
}
