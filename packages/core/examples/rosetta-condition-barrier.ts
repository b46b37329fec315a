// asyncio.Condition and asyncio.Barrier: wait until some state holds, and wait for each other.
import { createBarrier, createCondition, main, spawn, taskGroup } from "@skein/core";

await main(function* () {
  const changed = createCondition();
  const stock: string[] = [];
  const consumer = yield* spawn(function* () {
    yield* changed.waitFor(() => stock.length >= 2); // no lock needed: see the differences
    return stock.splice(0, 2);
  });
  stock.push("a");
  changed.notifyAll();
  stock.push("b");
  changed.notifyAll();
  console.log(`took ${(yield* consumer).join(", ")}`);

  const started: string[] = [];
  const warm = createBarrier(3);
  yield* taskGroup(function* (group) {
    for (const name of ["db", "cache", "http"]) {
      yield* group.spawn(function* () {
        const place = yield* warm.wait(); // nobody starts before all three are warm
        started.push(`${name}#${place}`);
      });
    }
  });
  console.log(`started together: ${started.join(" ")}`);
  if (started.length !== 3) throw new Error("all three should have passed the barrier");
});
