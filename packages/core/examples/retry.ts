// Retry with exponential backoff and full jitter, bounded by an overall deadline; then a rate
// limiter pacing calls, and a supervisor restarting a crashing worker.
import {
  createRateLimiter,
  main,
  retry,
  retryAttempts,
  sleep,
  supervise,
  timeout,
} from "@skein/core";

await main(function* () {
  let calls = 0;
  function* flakyFetch() {
    calls++;
    yield* sleep(1);
    if (calls < 3) throw new Error(`503 on call ${calls}`);
    return "200 OK";
  }

  const response = yield* timeout(
    1_000,
    retry(flakyFetch, {
      attempts: 5,
      backoff: { initial: 10, factor: 2, max: 100 },
      onRetry: ({ attempt, delayMs, error }) =>
        console.log(
          `attempt ${attempt} failed (${(error as Error).message}); retry in ${Math.round(delayMs)}ms`,
        ),
    }),
  );
  console.log("response:", response);

  try {
    yield* retry(
      function* () {
        throw new Error("permanently down");
      },
      { attempts: 3, backoff: { initial: 1 } },
    );
  } catch (error) {
    console.log(`gave up after ${retryAttempts(error)} attempts: ${(error as Error).message}`);
  }

  const limiter = createRateLimiter({ rate: 200, per: 1_000, burst: 2 });
  const started = Date.now();
  for (let i = 0; i < 6; i++) yield* limiter.acquire();
  console.log(`6 calls at 200/s with a burst of 2 took about ${Date.now() - started}ms`);

  let runs = 0;
  const result = yield* supervise(
    function* () {
      runs++;
      if (runs < 3) throw new Error(`worker crashed (run ${runs})`);
      return `worker finished on run ${runs}`;
    },
    { maxRestarts: 5, within: 10_000, backoff: { initial: 5 } },
  );
  console.log(result);
});
