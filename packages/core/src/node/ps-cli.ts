import { exit, main } from "../main.js";
import { PsError } from "./ps-error.js";
import { formatPs, formatPstree } from "./ps-format.js";
import { readTaskTree } from "./read-task-tree.js";

const USAGE = "usage: skein ps <pid> [--port <port>]\n       skein pstree <pid> [--port <port>]";

/**
 * Internal. The `skein` command: `ps` and `pstree` for another process's task tree. Exits 2
 * for bad usage, 1 when the process cannot be read (with the reason), 0 otherwise.
 */
export function runCli(argv: readonly string[]): Promise<void> {
  return main(function* () {
    const [command, pidText, ...rest] = argv;
    if ((command !== "ps" && command !== "pstree") || pidText === undefined) {
      yield* exit(2, USAGE);
      return;
    }
    let port: number | undefined;
    if (rest[0] === "--port") port = Number(rest[1]);
    try {
      const snapshot = yield* readTaskTree(Number(pidText), port === undefined ? {} : { port });
      console.log(command === "ps" ? formatPs(snapshot) : formatPstree(snapshot));
    } catch (error) {
      if (!(error instanceof PsError)) throw error;
      yield* exit(1, `skein ${command}: ${error.message} (${error.code})`);
    }
  });
}
