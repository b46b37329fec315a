// A LISTEN-driven worker: jobs are announced with NOTIFY and handled as they arrive. The
// worker is a task: halting it (here, after three jobs) unlistens and frees its connection.
import { createChannel, main, spawn } from "@skein/core";
import { sql, usePostgres } from "@skein/postgres";

await main(function* () {
  const db = yield* usePostgres();
  const channel = `jobs_example_${process.pid}`;
  const done = createChannel<string, never>();
  const finished = yield* done;
  const ready = createChannel<void, never>();
  const started = yield* ready;

  const worker = yield* spawn(function* () {
    const jobs = yield* db.listen(channel);
    yield* ready.send();
    for (;;) {
      const job = yield* jobs.next();
      if (job.done) return;
      const [row] = yield* db.query<{ upper: string }>(sql`select upper(${job.value}) as upper`);
      yield* done.send(row?.upper ?? "");
    }
  });

  yield* started.next();
  for (const job of ["resize", "encode", "publish"]) yield* db.notify(channel, job);
  for (let i = 0; i < 3; i++) console.log("handled", (yield* finished.next()).value);
  yield* worker.halt();
});
