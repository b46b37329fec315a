// `async with asyncio.timeout(s):` bounds a block; here a block is an operation passed to
// timeout() or deadline(). Everything inside shares the budget (useDeadline() reads what is
// left), and moveOnAfter() is the form that gives up quietly instead of throwing.
import {
  deadline,
  main,
  moveOnAfter,
  sleep,
  suspend,
  TimeoutError,
  timeout,
  useDeadline,
} from "@skein/core";

function* step(name: string, ms: number) {
  const left = yield* useDeadline();
  console.log(`${name}: ${Math.round(left / 10) * 10}ms left, needs ${ms}ms`);
  yield* sleep(ms);
}

await main(function* () {
  const at = Date.now() + 100;
  try {
    yield* deadline(
      at,
      (function* () {
        yield* step("connect", 20);
        yield* step("query", 30);
        yield* timeout(10_000, step("export", 500)); // a longer inner limit does not extend it
      })(),
    );
  } catch (error) {
    if (error instanceof TimeoutError) console.log(`block timed out (${error.ms}ms budget)`);
  }

  const result = yield* moveOnAfter(10, suspend());
  if (result.timedOut) console.log("moved on without an exception");
});
