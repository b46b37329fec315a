// Deadlines: a timeout halts what it bounds (its cleanup runs first), nested limits share one
// budget, and moveOnAfter() gives up quietly. shield() lets a final write finish.
import {
  main,
  moveOnAfter,
  shield,
  sleep,
  suspend,
  TimeoutError,
  timeout,
  useDeadline,
} from "@skein/core";

function* query(name: string, ms: number) {
  const budget = yield* useDeadline();
  console.log(`${name}: ${Math.round(budget)}ms left, needs ${ms}ms`);
  try {
    yield* sleep(ms);
    return `${name} rows`;
  } finally {
    console.log(`${name}: connection released`);
  }
}

await main(function* () {
  console.log(yield* timeout(1_000, query("fast", 5)));

  try {
    yield* timeout(20, timeout(10_000, query("slow", 1_000)));
  } catch (error) {
    if (error instanceof TimeoutError) console.log(`caught ${error.name} after ${error.ms}ms`);
  }

  const result = yield* moveOnAfter(10, suspend());
  console.log("moved on:", result.timedOut);

  try {
    yield* timeout(
      5,
      (function* () {
        try {
          yield* suspend();
        } finally {
          yield* shield(
            (function* () {
              yield* sleep(15);
              console.log("audit record written despite the timeout");
            })(),
            { timeout: 1_000 },
          );
        }
      })(),
    );
  } catch (error) {
    console.log(`then the timeout is reported: ${(error as Error).message}`);
  }
});
