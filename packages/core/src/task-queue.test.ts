import { expect } from "vitest";
import { caught } from "./fixtures/caught.js";
import { spawn } from "./spawn.js";
import {
  createLifoQueue,
  createPriorityQueue,
  createTaskQueue,
  QueueShutDownError,
  TaskDoneError,
} from "./task-queue.js";
import { describe, it, waitAllTasksBlocked } from "./test/mod.js";

describe("createTaskQueue()", () => {
  it("join() waits until every item put has been marked done", function* () {
    const queue = createTaskQueue<number>();
    const handled: number[] = [];
    yield* spawn(function* () {
      for (;;) {
        const item = yield* queue.get();
        handled.push(item);
        queue.taskDone();
      }
    });
    for (let i = 0; i < 5; i++) yield* queue.put(i);
    expect(queue.unfinished).toBe(5);
    yield* queue.join();
    expect(handled).toEqual([0, 1, 2, 3, 4]);
    expect(queue.unfinished).toBe(0);
  });

  it("join() does not return while an item is taken but not yet done", function* () {
    const queue = createTaskQueue<string>();
    yield* queue.put("a");
    expect(yield* queue.get()).toBe("a");
    let joined = false;
    yield* spawn(function* () {
      yield* queue.join();
      joined = true;
    });
    yield* waitAllTasksBlocked();
    expect(joined).toBe(false);
    queue.taskDone();
    yield* waitAllTasksBlocked();
    expect(joined).toBe(true);
  });

  it("throws a TaskDoneError for a taskDone() with nothing unfinished", function* () {
    const queue = createTaskQueue<string>();
    expect(() => queue.taskDone()).toThrow(TaskDoneError);
  });

  it("makes put() wait while full and go on when a consumer makes room", function* () {
    const queue = createTaskQueue<number>({ maxSize: 1 });
    yield* queue.put(1);
    expect(queue.tryPut(2)).toBe(false);
    let putDone = false;
    yield* spawn(function* () {
      yield* queue.put(2);
      putDone = true;
    });
    yield* waitAllTasksBlocked();
    expect(putDone).toBe(false);
    expect(yield* queue.get()).toBe(1);
    yield* waitAllTasksBlocked();
    expect(putDone).toBe(true);
    expect(yield* queue.get()).toBe(2);
  });

  it("after shutdown(), refuses puts and lets consumers drain, then get() throws", function* () {
    const queue = createTaskQueue<number>();
    yield* queue.put(1);
    queue.shutdown();
    expect(queue.isShutDown).toBe(true);
    const refused = yield* caught(queue.put(2));
    expect(refused).toBeInstanceOf(QueueShutDownError);
    expect(refused).toMatchObject({ code: "queue-shut-down", item: 2 });
    expect(yield* queue.get()).toBe(1);
    expect(yield* caught(queue.get())).toBeInstanceOf(QueueShutDownError);
  });

  it("shutdown() wakes a waiting consumer with a QueueShutDownError", function* () {
    const queue = createTaskQueue<number>();
    const consumer = yield* spawn(() => caught(queue.get()));
    yield* waitAllTasksBlocked();
    queue.shutdown();
    expect(yield* consumer).toBeInstanceOf(QueueShutDownError);
  });

  it("shutdown({ immediate: true }) drops what is left and releases join()", function* () {
    const queue = createTaskQueue<number>();
    for (let i = 0; i < 3; i++) yield* queue.put(i);
    const joiner = yield* spawn(() => queue.join());
    yield* waitAllTasksBlocked();
    queue.shutdown({ immediate: true });
    yield* joiner;
    expect(queue.size).toBe(0);
    expect(queue.unfinished).toBe(0);
    expect(yield* caught(queue.get())).toBeInstanceOf(QueueShutDownError);
  });

  it("passes an item on when the consumer woken for it is halted before it runs", function* () {
    const queue = createTaskQueue<string>();
    const doomed = yield* spawn(() => queue.get());
    const next = yield* spawn(() => queue.get());
    yield* waitAllTasksBlocked();
    queue.tryPut("item");
    doomed.halt();
    expect(yield* next).toBe("item");
  });

  it("rejects a maxSize that is not a positive integer", function* () {
    expect(() => createTaskQueue({ maxSize: 0 })).toThrow(/maxSize must be a positive integer/);
  });
});

describe("createLifoQueue()", () => {
  it("takes the newest item first", function* () {
    const stack = createLifoQueue<number>();
    for (const n of [1, 2, 3]) yield* stack.put(n);
    expect([yield* stack.get(), yield* stack.get(), yield* stack.get()]).toEqual([3, 2, 1]);
  });
});

describe("createPriorityQueue()", () => {
  it("takes the smallest item first, equal ones in the order they were put", function* () {
    const queue = createPriorityQueue<[number, string]>((a, b) => a[0] - b[0]);
    for (const item of [
      [3, "c"],
      [1, "a1"],
      [2, "b"],
      [1, "a2"],
      [0, "z"],
    ] as [number, string][]) {
      yield* queue.put(item);
    }
    const out: string[] = [];
    while (queue.size > 0) out.push((yield* queue.get())[1]);
    expect(out).toEqual(["z", "a1", "a2", "b", "c"]);
  });

  it("rejects a compare that is not a function", function* () {
    expect(() => createPriorityQueue(undefined as never)).toThrow(/compare must be a function/);
  });
});
