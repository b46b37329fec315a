import { spawn as spawnProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { action, type Operation, resource, scoped, withResolvers } from "@skein/core";

const APP_DIR = fileURLToPath(new URL("..", import.meta.url));

/** Internal to the tests. How a child process ended. */
export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Internal to the tests. A running `skein-scrape` process. */
export interface CliProcess {
  readonly stdout: string;
  readonly stderr: string;
  readonly exit: Operation<CliExit>;
  /** Whether the process has not exited yet. */
  readonly running: boolean;
  /** Its process id. */
  readonly pid: number;
  /** Wait for a line of stderr that `accept` returns a value for; fails if the process ends first. */
  line<T>(accept: (line: string) => T | undefined): Operation<T>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Internal to the tests. The CLI as a direct child process (node with tsx, no wrapper, so a
 * signal reaches the crawler itself). Still running when the scope ends, it is killed with
 * SIGKILL and waited for.
 *
 * @param args - the CLI's arguments
 * @returns the running process
 */
export function useCli(args: string[]): Operation<CliProcess> {
  return resource<CliProcess>(function* (provide) {
    const child = spawnProcess(
      process.execPath,
      ["--conditions=development", "--import", "tsx", "src/cli/main.ts", ...args],
      { cwd: APP_DIR, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = withResolvers<CliExit>();
    child.once("exit", (code, signal) => exited.resolve({ code, signal }));
    child.once("error", (error) => exited.reject(error));
    try {
      yield* provide({
        get stdout() {
          return stdout;
        },
        get stderr() {
          return stderr;
        },
        pid: child.pid!,
        get running() {
          return child.exitCode === null && child.signalCode === null;
        },
        exit: exited.operation,
        kill: (signal) => child.kill(signal),
        line: <T>(accept: (line: string) => T | undefined) =>
          action<T>((resolve, reject) => {
            let seen = 0;
            const check = () => {
              const lines = stderr.split("\n");
              // The last piece may be a line still being written.
              for (; seen < lines.length - 1; seen++) {
                const value = accept(lines[seen] as string);
                if (value !== undefined) return resolve(value);
              }
            };
            const gone = () => reject(new Error(`the CLI exited first:\n${stderr}\n${stdout}`));
            child.stderr.on("data", check);
            child.once("exit", gone);
            check();
            return () => {
              child.stderr.off("data", check);
              child.off("exit", gone);
            };
          }),
      });
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        yield* exited.operation;
      }
    }
  });
}

/**
 * Internal to the tests. Run the CLI to its end.
 *
 * @param args - the CLI's arguments
 * @returns how it exited, and everything it wrote
 */
export function runCli(args: string[]): Operation<CliExit & { stdout: string; stderr: string }> {
  return scoped(function* () {
    const cli = yield* useCli(args);
    const exit = yield* cli.exit;
    return { ...exit, stderr: cli.stderr, stdout: cli.stdout };
  });
}
