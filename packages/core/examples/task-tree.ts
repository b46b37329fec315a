// Print what a program is doing: `kill -USR2 <pid>` dumps the live task tree to stderr.
// Name tasks with spawn(op, { name }) or label(); unnamed ones show as "task".
import {
  formatTree,
  inspect,
  label,
  main,
  type Operation,
  once,
  resource,
  spawn,
  suspend,
} from "@skein/core";

function useTreeDump(signal: NodeJS.Signals): Operation<void> {
  return resource(function* (provide) {
    yield* label(`tree dump on ${signal}`);
    const dump = () => console.error(formatTree(inspect()));
    process.on(signal, dump);
    try {
      yield* provide();
    } finally {
      process.off(signal, dump);
    }
  });
}

function* connection(id: number): Operation<void> {
  yield* label(`connection #${id}`);
  yield* suspend();
}

await main(function* () {
  yield* label("main");
  yield* useTreeDump("SIGUSR2");
  yield* spawn(
    function* () {
      for (let id = 1; id <= 3; id++) yield* spawn(() => connection(id));
      yield* suspend();
    },
    { name: "server" },
  );
  yield* spawn(suspend, { name: "metrics" });

  // Here the program asks itself; in production you run `kill -USR2 <pid>`.
  process.kill(process.pid, "SIGUSR2");
  yield* once(process, "SIGUSR2");
});
