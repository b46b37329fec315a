// asyncio.shield: the shielded operation runs to the end even when its caller is halted. Unlike
// asyncio, the caller waits for it (it is not left running on its own), and then the halt takes
// effect: the code after shield() does not run.
import { main, run, shield, sleep, suspend } from "@skein/core";

function* commit() {
  yield* sleep(20);
  console.log("transaction committed");
}

await main(function* () {
  const job = run(function* () {
    yield* sleep(1);
    yield* shield(commit(), { timeout: 1_000 }); // a shield that may hang should be bounded
    console.log("never printed: the job was halted during the commit");
    yield* suspend();
  });
  yield* sleep(5);
  console.log("halting the job");
  yield* job.halt();
  console.log("halt returned after the commit");
});
