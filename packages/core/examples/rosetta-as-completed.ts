// asyncio.as_completed and asyncio.wait: results in the order they finish; wait() returns at the
// first completion (or first error) and leaves the rest running.
import { asCompleted, each, main, sleep, spawn, wait } from "@skein/core";

function* fetchPage(ms: number, url: string) {
  yield* sleep(ms);
  return url;
}

await main(function* () {
  const order: string[] = [];
  for (const url of yield* each(
    asCompleted([fetchPage(30, "/slow"), fetchPage(10, "/fast"), fetchPage(20, "/medium")]),
  )) {
    order.push(url);
    yield* each.next();
  }
  console.log(order.join(" ")); // /fast /medium /slow
  if (order.join() !== "/fast,/medium,/slow") throw new Error(`unexpected order ${order}`);

  const primary = yield* spawn(() => fetchPage(50, "primary"));
  const replica = yield* spawn(() => fetchPage(5, "replica"));
  const { done, pending } = yield* wait([primary, replica]);
  console.log(`first: ${yield* done[0]!}, still running: ${pending.length}`);
  if (pending[0] !== primary) throw new Error("primary should still be running");
  yield* primary.halt(); // wait() halts nothing; we decide
});
