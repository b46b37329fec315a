// A concurrent fetcher: 20 URLs, at most 4 in flight (a semaphore), each with its own timeout,
// against a local server whose answers take a little while.
import { createSemaphore, main, sleep, spawn, timeout } from "@skein/core";
import { createRouter, useHttpClient, useHttpServer } from "@skein/http";

await main(function* () {
  let inFlight = 0;
  let most = 0;
  const router = createRouter().get("/pages/:n", function* (_request, { n }) {
    inFlight++;
    most = Math.max(most, inFlight);
    try {
      yield* sleep(Number(n) === 13 ? 5000 : 20);
      return Response.json({ page: Number(n) });
    } finally {
      inFlight--;
    }
  });
  const server = yield* useHttpServer({ handler: router.handle });
  const client = yield* useHttpClient({ baseUrl: server.url });

  const limit = createSemaphore(4);
  const tasks = [];
  for (let n = 1; n <= 20; n++) {
    tasks.push(
      yield* spawn(function* () {
        try {
          const page = yield* limit.withPermit(() =>
            timeout(500, client.json<{ page: number }>(`/pages/${n}`)),
          );
          return `page ${page.page}`;
        } catch (error) {
          return `page ${n} failed: ${(error as Error).name}`;
        }
      }),
    );
  }
  const results = [];
  for (const task of tasks) results.push(yield* task);
  console.log(results.join("\n"));
  console.log(`at most ${most} requests were in flight`);
});
