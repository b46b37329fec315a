// asyncio.Queue(maxsize): put() waits while the queue is full, take() while it is empty. Instead
// of a sentinel per consumer or queue.join(), close() the queue: consumers drain what is left
// and their each() loops end.
import { createBoundedQueue, each, main, sleep, taskGroup } from "@skein/core";

await main(function* () {
  const jobs = createBoundedQueue<number>({ capacity: 2 });
  const done: string[] = [];
  yield* taskGroup(function* (group) {
    for (const worker of ["a", "b"]) {
      yield* group.spawn(function* () {
        for (const job of yield* each(jobs)) {
          yield* sleep(job); // process it
          done.push(`${worker}:${job}`);
          yield* each.next();
        }
      });
    }
    for (let job = 1; job <= 6; job++) {
      yield* jobs.put(job); // waits while two jobs are queued
    }
    jobs.close();
  });
  console.log(`processed ${done.length} jobs: ${done.join(" ")}`);
});
