// asyncio.Queue's join()/task_done() and shutdown() (3.13), PriorityQueue, and Trio's
// nursery.start(): a worker pool that says when it is ready and drains a queue.
import {
  createPriorityQueue,
  createTaskQueue,
  main,
  QueueShutDownError,
  taskGroup,
} from "@skein/core";

await main(function* () {
  const queue = createTaskQueue<string>({ maxSize: 10 });
  const handled: string[] = [];
  yield* taskGroup(function* (group) {
    for (let i = 1; i <= 2; i++) {
      const name = yield* group.start<string>(function* (status) {
        status.started(`worker ${i}`); // start() returns once each worker is ready
        try {
          for (;;) {
            const url = yield* queue.get();
            handled.push(url);
            queue.taskDone();
          }
        } catch (error) {
          if (!(error instanceof QueueShutDownError)) throw error;
        }
      });
      console.log(`${name} ready`);
    }
    for (const url of ["/a", "/b", "/c"]) yield* queue.put(url);
    yield* queue.join(); // every item taken and marked done
    console.log(`handled ${handled.sort().join(" ")}`);
    queue.shutdown(); // the workers' get() throws QueueShutDownError and they return
  });

  const urgent = createPriorityQueue<[number, string]>((a, b) => a[0] - b[0]);
  yield* urgent.put([5, "report"]);
  yield* urgent.put([1, "page the on-call"]);
  const [, first] = yield* urgent.get();
  console.log(`first: ${first}`);
  if (first !== "page the on-call") throw new Error("priority order broken");
});
