import type { Api, Difference, Log, Scenario } from "./harness.js";

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A task that waits forever and logs when its cleanup starts and ends. */
function* waiter(api: Api, log: Log, name: string): Generator<unknown, void, any> {
  log(`${name} started`);
  try {
    yield* api.suspend();
  } finally {
    log(`${name} finally`);
  }
}

/**
 * Delegates `depth` levels deep with `yield*`; every level's finally sleeps before it ends, and
 * every level logs if it is resumed after the level below it returns.
 */
function* nested(api: Api, log: Log, depth: number): Generator<unknown, void, any> {
  try {
    if (depth === 0) {
      log("innermost suspended");
      yield* api.suspend();
    } else {
      yield* nested(api, log, depth - 1);
      log(`level ${depth} resumed`);
    }
  } finally {
    log(`finally ${depth} start`);
    yield* api.sleep(1);
    log(`finally ${depth} end`);
  }
}

/** Runs `nested()` as a task body with statements after it, halts the task, logs what ran. */
function* haltNested(api: Api, log: Log, depth: number): Generator<unknown, void, any> {
  const task = yield* api.spawn(function* () {
    yield* nested(api, log, depth);
    log("task body resumed after the halt");
    yield* api.sleep(1);
    log("task body went on past another yield");
  });
  yield* api.sleep(0);
  yield* task.halt();
  log("halt returned");
}

/** The log of `nested(depth)` unwinding: every finally, innermost first; `leaking` adds the
 * "resumed" lines of a halt that turned into a normal return after the first async finally. */
function unwound(depth: number, leaking: boolean): string[] {
  const log = ["innermost suspended", "finally 0 start", "finally 0 end"];
  for (let level = 1; level <= depth; level++) {
    if (leaking) log.push(`level ${level} resumed`);
    log.push(`finally ${level} start`, `finally ${level} end`);
  }
  return log;
}

const ISSUE_1190 =
  "effection #1190: after an async finally in a yield*-delegated operation, a halt turns into a normal return";

function haltNestedDifference(depth: number): Difference {
  return {
    reason: ISSUE_1190,
    skein: {
      log: [...unwound(depth, false), "halt returned"],
      outcome: { ok: true, value: undefined },
    },
    effection: {
      log: [
        ...unwound(depth, true),
        "task body resumed after the halt",
        "task body went on past another yield",
        "halt returned",
      ],
      outcome: { ok: true, value: undefined },
    },
    skeinBug: "Skein resumes the halted frames the same way",
  };
}

class LoggingTarget extends EventTarget {
  constructor(private log: Log) {
    super();
  }
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void {
    this.log(`removed ${type} listener`);
    super.removeEventListener(type, listener, options);
  }
}

const spawning: Scenario[] = [
  {
    name: "a spawned child starts only after its parent waits",
    *operation(api, log) {
      yield* api.spawn(function* () {
        log("child started");
      });
      log("parent after spawn");
      yield* api.sleep(0);
      log("parent resumed");
    },
  },
  {
    name: "siblings start in the order they were spawned",
    *operation(api, log) {
      for (const name of ["a", "b", "c"]) {
        yield* api.spawn(function* () {
          log(`${name} started`);
        });
      }
      yield* api.sleep(0);
      log("parent resumed");
    },
  },
  {
    name: "a child's value is joined with yield*",
    *operation(api, log) {
      const task = yield* api.spawn(function* () {
        yield* api.sleep(1);
        log("child returning");
        return 5;
      });
      const value = yield* task;
      log(`joined ${value}`);
      return value;
    },
  },
  {
    name: "a child's value is joined with await inside call()",
    *operation(api) {
      const task = yield* api.spawn(function* () {
        yield* api.sleep(1);
        return "awaited";
      });
      return yield* api.call(async () => await task);
    },
  },
  {
    name: "a child that returned synchronously is joined with its value",
    *operation(api) {
      const task = yield* api.spawn(function* () {
        return "sync";
      });
      yield* api.sleep(0);
      return yield* task;
    },
  },
];

const halting: Scenario[] = [
  {
    name: "children are halted in reverse order when the parent returns",
    *operation(api, log) {
      for (const name of ["a", "b", "c"]) yield* api.spawn(() => waiter(api, log, name));
      yield* api.sleep(0);
      log("parent returning");
      return "parent value";
    },
  },
  {
    name: "children are halted in reverse order when the parent throws",
    *operation(api, log) {
      for (const name of ["a", "b", "c"]) yield* api.spawn(() => waiter(api, log, name));
      yield* api.sleep(0);
      log("parent throwing");
      throw new Error("parent failed");
    },
  },
  {
    name: "children are halted in reverse order when the parent is halted",
    *operation(api, log) {
      const parent = yield* api.spawn(function* () {
        for (const name of ["a", "b", "c"]) yield* api.spawn(() => waiter(api, log, name));
        yield* waiter(api, log, "parent");
      });
      yield* api.sleep(0);
      yield* parent.halt();
      log("halt returned");
    },
  },
  {
    name: "children's async cleanup completes before the parent's result",
    *operation(api, log) {
      const parent = yield* api.spawn(function* () {
        for (const name of ["a", "b"]) {
          yield* api.spawn(function* () {
            try {
              yield* api.suspend();
            } finally {
              log(`${name} cleanup start`);
              yield* api.sleep(2);
              log(`${name} cleanup end`);
            }
          });
        }
        yield* api.sleep(0);
        log("parent returning");
        return "parent value";
      });
      log(`parent result ${yield* parent}`);
    },
  },
  {
    name: "a halt waits for a child's async cleanup two levels down",
    *operation(api, log) {
      const parent = yield* api.spawn(function* () {
        yield* api.spawn(function* () {
          yield* api.spawn(function* () {
            try {
              yield* api.suspend();
            } finally {
              yield* api.sleep(2);
              log("grandchild cleanup end");
            }
          });
          yield* waiter(api, log, "child");
        });
        yield* waiter(api, log, "parent");
      });
      yield* api.sleep(0);
      yield* parent.halt();
      log("halt returned");
    },
  },
  {
    name: "a failing child fails its parent and halts its siblings, caught at scoped()",
    *operation(api, log) {
      try {
        yield* api.scoped(function* () {
          yield* api.spawn(() => waiter(api, log, "sibling"));
          yield* api.spawn(function* () {
            yield* api.sleep(1);
            log("child throwing");
            throw new Error("boom");
          });
          yield* waiter(api, log, "parent body");
        });
      } catch (error) {
        log(`caught ${message(error)}`);
      }
      return "recovered";
    },
  },
  {
    name: "a failing child fails the run when nothing catches it",
    *operation(api, log) {
      yield* api.spawn(function* () {
        yield* api.sleep(1);
        throw new Error("uncaught child failure");
      });
      yield* waiter(api, log, "parent");
    },
  },
  {
    name: "a failing child's error is not caught by a try around the parent's own body",
    *operation(api, log) {
      try {
        yield* api.spawn(function* () {
          yield* api.sleep(1);
          throw new Error("child failed");
        });
        yield* api.suspend();
      } catch (error) {
        log(`body caught ${message(error)}`);
      }
    },
  },
  {
    name: "finally does async work when its task is halted",
    *operation(api, log) {
      const task = yield* api.spawn(function* () {
        try {
          yield* api.suspend();
        } finally {
          log("cleanup start");
          yield* api.sleep(2);
          log("cleanup end");
        }
      });
      yield* api.sleep(0);
      yield* task.halt();
      log("halt returned");
    },
  },
  {
    name: "a halt during a normal finally lets every step of that finally run",
    *operation(api, log) {
      const task = yield* api.spawn(function* () {
        try {
          yield* api.sleep(1);
          log("body done");
        } finally {
          log("cleanup 1 start");
          yield* api.sleep(5);
          log("cleanup 1 end");
          yield* api.sleep(1);
          log("cleanup 2 end");
        }
      });
      yield* api.sleep(3);
      log("halting");
      yield* task.halt();
      log("halt returned");
    },
    differs: {
      reason: "effection #1154: a halt that arrives while a finally awaits cuts the rest of it",
      skein: {
        log: [
          "body done",
          "cleanup 1 start",
          "halting",
          "cleanup 1 end",
          "cleanup 2 end",
          "halt returned",
        ],
        outcome: { ok: true, value: undefined },
      },
      effection: {
        log: ["body done", "cleanup 1 start", "halting", "halt returned"],
        outcome: { ok: true, value: undefined },
      },
      skeinBug: "Skein calls return() on the generator inside its finally, as effection does",
    },
  },
  {
    name: "ensure runs its cleanup when the operation returns",
    *operation(api, log) {
      yield* api.ensure(() => log("ensure cleanup"));
      log("body done");
      return 1;
    },
  },
  {
    name: "ensure does async cleanup when its task is halted",
    *operation(api, log) {
      const task = yield* api.spawn(function* () {
        yield* api.ensure(function* () {
          log("ensure start");
          yield* api.sleep(2);
          log("ensure end");
        });
        yield* api.suspend();
      });
      yield* api.sleep(0);
      yield* task.halt();
      log("halt returned");
    },
  },
  {
    name: "ensure callbacks run in reverse order of registration",
    *operation(api, log) {
      yield* api.ensure(() => log("first registered"));
      yield* api.ensure(() => log("second registered"));
    },
  },
  {
    name: "halting a task twice runs its cleanup once",
    *operation(api, log) {
      const task = yield* api.spawn(() => waiter(api, log, "child"));
      yield* api.sleep(0);
      yield* task.halt();
      yield* task.halt();
      log("both halts returned");
    },
  },
  {
    name: "halting a task that already returned changes nothing",
    *operation(api, log) {
      const task = yield* api.spawn(function* () {
        return "finished";
      });
      yield* api.sleep(0);
      yield* task.halt();
      log("halt returned");
      return yield* task;
    },
  },
  {
    name: "an error thrown by finally during a halt fails halt()",
    *operation(api, log) {
      const task = yield* api.spawn(function* () {
        try {
          yield* api.suspend();
        } finally {
          // biome-ignore lint/correctness/noUnsafeFinally: the scenario is about this
          throw new Error("cleanup failed");
        }
      });
      yield* api.sleep(0);
      try {
        yield* task.halt();
        log("halt returned");
      } catch (error) {
        log(`halt threw ${message(error)}`);
      }
    },
  },
  {
    name: "a halted run's finally blocks run and its promise rejects",
    async promise(api, log) {
      const task = api.run(() => waiter(api, log, "task"));
      await task.halt();
      log("halt resolved");
      try {
        await task;
      } catch (error) {
        log(`rejected ${message(error)}`);
      }
    },
  },
];

const delegation: Scenario[] = [
  {
    name: "a halt runs async finally in a yield*-delegated operation 1 level deep",
    operation: (api, log) => haltNested(api, log, 1),
    differs: haltNestedDifference(1),
  },
  {
    name: "a halt runs async finally in yield*-delegated operations 3 levels deep",
    operation: (api, log) => haltNested(api, log, 3),
    differs: haltNestedDifference(3),
  },
  {
    name: "a halt runs async finally in yield*-delegated operations 10 levels deep",
    operation: (api, log) => haltNested(api, log, 10),
    differs: haltNestedDifference(10),
  },
  {
    name: "a returning parent runs async finally in a delegated child 3 levels deep",
    *operation(api, log) {
      yield* api.spawn(() => nested(api, log, 3));
      yield* api.sleep(0);
      log("parent returning");
    },
    differs: {
      reason: ISSUE_1190,
      skein: {
        log: ["innermost suspended", "parent returning", ...unwound(3, false).slice(1)],
        outcome: { ok: true, value: undefined },
      },
      effection: {
        log: ["innermost suspended", "parent returning", ...unwound(3, true).slice(1)],
        outcome: { ok: true, value: undefined },
      },
      skeinBug: "Skein resumes the halted frames the same way",
    },
  },
  {
    name: "a race loser runs async finally in delegated operations 3 levels deep",
    *operation(api, log) {
      const winner = yield* api.race<unknown>([
        nested(api, log, 3),
        (function* () {
          yield* api.sleep(1);
          return "winner";
        })(),
      ]);
      log(`race returned ${winner}`);
    },
    differs: {
      reason: ISSUE_1190,
      skein: {
        log: [...unwound(3, false), "race returned winner"],
        outcome: { ok: true, value: undefined },
      },
      effection: {
        log: [...unwound(3, true), "race returned winner"],
        outcome: { ok: true, value: undefined },
      },
      skeinBug: "Skein resumes the halted frames the same way",
    },
  },
];

const resources: Scenario[] = [
  {
    name: "resources are torn down in reverse order of acquisition",
    *operation(api, log) {
      const use = (name: string) =>
        api.resource<string>(function* (provide) {
          log(`${name} acquired`);
          try {
            yield* provide(name);
          } finally {
            log(`${name} start teardown`);
            yield* api.sleep(1);
            log(`${name} end teardown`);
          }
        });
      const values = [yield* use("a"), yield* use("b"), yield* use("c")];
      log(`using ${values.join(",")}`);
    },
  },
  {
    name: "a resource's init failure is thrown to the caller",
    *operation(api, log) {
      try {
        yield* api.resource<number>(function* () {
          yield* api.sleep(1);
          throw new Error("init failed");
        });
        log("not reached");
      } catch (error) {
        log(`caught ${message(error)}`);
      }
      return "after failed resource";
    },
  },
  {
    name: "a resource that fails after providing fails its owner, caught at scoped()",
    *operation(api, log) {
      try {
        yield* api.scoped(function* () {
          yield* api.resource<void>(function* (provide) {
            yield* api.spawn(function* () {
              yield* api.sleep(1);
              throw new Error("resource broke");
            });
            yield* provide();
          });
          yield* waiter(api, log, "user");
        });
      } catch (error) {
        log(`caught ${message(error)}`);
      }
    },
  },
  {
    name: "a resource used in a child task ends with that task",
    *operation(api, log) {
      const child = yield* api.spawn(function* () {
        yield* api.resource<void>(function* (provide) {
          try {
            yield* provide();
          } finally {
            log("resource released");
          }
        });
        log("child done");
        return "child value";
      });
      log(`joined ${yield* child}`);
    },
  },
  {
    name: "a resource provides synchronously and runs background work",
    *operation(api, log) {
      const counter = yield* api.resource<{ count: number }>(function* (provide) {
        const state = { count: 0 };
        yield* api.spawn(function* () {
          while (true) {
            yield* api.sleep(1);
            state.count++;
            if (state.count === 3) log("background reached 3");
          }
        });
        yield* provide(state);
      });
      while (counter.count < 3) yield* api.sleep(1);
      return counter.count >= 3;
    },
  },
];

const combinators: Scenario[] = [
  {
    name: "race returns the first value and awaits its losers' cleanup",
    *operation(api, log) {
      const slow = (name: string) =>
        (function* () {
          try {
            yield* api.sleep(50);
            return name;
          } finally {
            log(`${name} cleanup start`);
            yield* api.sleep(1);
            log(`${name} cleanup end`);
          }
        })();
      const fast = (function* () {
        yield* api.sleep(1);
        log("fast done");
        return "fast";
      })();
      const winner = yield* api.race([slow("x"), fast, slow("y")]);
      log(`winner ${winner}`);
      return winner;
    },
    differs: {
      reason: "race halts its losers one at a time, most recent first",
      skein: {
        log: [
          "fast done",
          "y cleanup start",
          "y cleanup end",
          "x cleanup start",
          "x cleanup end",
          "winner fast",
        ],
        outcome: { ok: true, value: "fast" },
      },
      effection: {
        log: [
          "fast done",
          "x cleanup start",
          "y cleanup start",
          "x cleanup end",
          "y cleanup end",
          "winner fast",
        ],
        outcome: { ok: true, value: "fast" },
      },
    },
  },
  {
    name: "race throws the first failure and halts the rest",
    *operation(api, log) {
      try {
        yield* api.race([
          waiter(api, log, "a"),
          (function* () {
            yield* api.sleep(1);
            throw new Error("racer failed");
          })(),
        ]);
      } catch (error) {
        log(`caught ${message(error)}`);
      }
    },
  },
  {
    name: "all returns every value in the given order",
    *operation(api) {
      const after = (ms: number, value: string) =>
        (function* () {
          yield* api.sleep(ms);
          return value;
        })();
      return yield* api.all([after(3, "a"), after(1, "b"), after(2, "c")]);
    },
  },
  {
    name: "all halts the rest when one fails",
    *operation(api, log) {
      try {
        yield* api.all([
          waiter(api, log, "a"),
          (function* () {
            yield* api.sleep(1);
            throw new Error("member failed");
          })(),
          waiter(api, log, "c"),
        ]);
      } catch (error) {
        log(`caught ${message(error)}`);
      }
    },
    differs: {
      reason: "all halts the remaining operations most recent first",
      skein: {
        log: ["a started", "c started", "c finally", "a finally", "caught member failed"],
        outcome: { ok: true, value: undefined },
      },
      effection: {
        log: ["a started", "c started", "a finally", "c finally", "caught member failed"],
        outcome: { ok: true, value: undefined },
      },
    },
  },
  {
    name: "all of no operations returns an empty array",
    *operation(api) {
      return yield* api.all([]);
    },
  },
  {
    name: "allSettled reports every outcome without halting the others",
    *operation(api, log) {
      const results = yield* api.allSettled<string>([
        (function* () {
          yield* api.sleep(2);
          log("slow finished");
          return "slow";
        })(),
        (function* (): Generator<unknown, string, any> {
          yield* api.sleep(1);
          throw new Error("quick failure");
        })(),
      ]);
      return results.map((r) => (r.ok ? `ok ${r.value}` : `err ${r.error.message}`));
    },
  },
  {
    name: "scoped halts its children when its body returns",
    *operation(api, log) {
      const value = yield* api.scoped(function* () {
        yield* api.spawn(() => waiter(api, log, "inner"));
        yield* api.sleep(0);
        return "scoped value";
      });
      log(`scoped returned ${value}`);
      return value;
    },
  },
  {
    name: "scoped tears down its resources before returning",
    *operation(api, log) {
      yield* api.scoped(function* () {
        yield* api.ensure(() => log("inner ensure"));
      });
      log("after scoped");
    },
  },
];

const context: Scenario[] = [
  {
    name: "a context value set in a parent is seen by a child",
    *operation(api) {
      const Name = api.createContext<string>("differential.name", "default");
      yield* Name.set("parent");
      const child = yield* api.spawn(() => Name.expect());
      return yield* child;
    },
  },
  {
    name: "a child's context value does not leak to its parent",
    *operation(api, log) {
      const Name = api.createContext<string>("differential.leak", "default");
      const child = yield* api.spawn(function* () {
        yield* Name.set("child");
        return yield* Name.get();
      });
      log(`child saw ${yield* child}`);
      return yield* Name.get();
    },
  },
  {
    name: "context.with() restores the previous value afterwards",
    *operation(api, log) {
      const Name = api.createContext<string>("differential.with", "default");
      yield* Name.set("outer");
      const inside = yield* Name.with("inner", function* (value) {
        log(`with gave ${value}`);
        return yield* Name.expect();
      });
      log(`inside ${inside}`);
      return yield* Name.get();
    },
  },
  {
    name: "a context set inside scoped() is not seen after it",
    *operation(api, log) {
      const Name = api.createContext<string>("differential.scoped", "default");
      yield* api.scoped(function* () {
        yield* Name.set("scoped");
        log(`inside ${yield* Name.get()}`);
      });
      return yield* Name.get();
    },
  },
  {
    name: "a context with no value and no default fails expect()",
    *operation(api, log) {
      const Name = api.createContext<string>("differential.missing");
      log(`get ${String(yield* Name.get())}`);
      try {
        yield* Name.expect();
      } catch (error) {
        log(`caught ${error instanceof Error ? error.name : "?"}`);
      }
    },
  },
];

const streams: Scenario[] = [
  {
    name: "a channel delivers messages in order, then its close value",
    *operation(api, log) {
      const channel = api.createChannel<number, string>();
      const subscription = yield* channel;
      yield* api.spawn(function* () {
        yield* channel.send(1);
        yield* channel.send(2);
        yield* channel.close("closed");
      });
      const results: IteratorResult<number, string>[] = [];
      for (let i = 0; i < 3; i++) results.push(yield* subscription.next());
      log("received all");
      return results;
    },
  },
  {
    name: "a channel message sent before anyone subscribes is lost",
    *operation(api) {
      const channel = api.createChannel<string, void>();
      yield* channel.send("early");
      const subscription = yield* channel;
      yield* api.spawn(() => channel.send("late"));
      return yield* subscription.next();
    },
  },
  {
    name: "each loops over a channel until it closes",
    *operation(api, log) {
      const channel = api.createChannel<string, void>();
      yield* api.spawn(function* () {
        yield* api.sleep(0);
        for (const item of ["a", "b", "c"]) yield* channel.send(item);
        yield* channel.close();
      });
      for (const item of yield* api.each(channel)) {
        log(`item ${item}`);
        yield* api.each.next();
      }
      log("loop ended");
    },
  },
  {
    name: "breaking out of each releases the subscription",
    *operation(api, log) {
      const signal = api.createSignal<number, void>();
      yield* api.spawn(function* () {
        for (let i = 1; i <= 5; i++) {
          yield* api.sleep(1);
          signal.send(i);
        }
        signal.close();
      });
      for (const n of yield* api.each(signal)) {
        log(`got ${n}`);
        if (n === 2) break;
        yield* api.each.next();
      }
      log("after break");
      yield* api.sleep(10);
      log("done");
    },
  },
  {
    name: "each loops over a signal fed from plain callbacks",
    *operation(api, log) {
      const signal = api.createSignal<string, string>();
      let i = 0;
      const timer = setInterval(() => {
        i++;
        if (i <= 3) signal.send(`tick ${i}`);
        else signal.close("end");
      }, 1);
      try {
        for (const tick of yield* api.each(signal)) {
          log(tick);
          yield* api.each.next();
        }
      } finally {
        clearInterval(timer);
      }
      log("signal closed");
    },
  },
  {
    name: "nested each loops advance independently",
    *operation(api, log) {
      const outer = api.createChannel<string, void>();
      const inner = api.createChannel<number, void>();
      yield* api.spawn(function* () {
        yield* api.sleep(0);
        for (const name of ["x", "y"]) {
          yield* outer.send(name);
          yield* api.sleep(1);
          yield* inner.send(1);
          yield* inner.send(2);
          yield* inner.close();
        }
        yield* outer.close();
      });
      for (const name of yield* api.each(outer)) {
        for (const n of yield* api.each(inner)) {
          log(`${name}${n}`);
          yield* api.each.next();
        }
        log(`outer ${name} done`);
        yield* api.each.next();
      }
    },
  },
  {
    name: "a queue buffers items added before next()",
    *operation(api) {
      const queue = api.createQueue<number, string>();
      queue.add(1);
      queue.add(2);
      queue.close("closed");
      return [yield* queue.next(), yield* queue.next(), yield* queue.next()];
    },
  },
  {
    name: "a queue wakes a waiting consumer",
    *operation(api, log) {
      const queue = api.createQueue<string, void>();
      setTimeout(() => queue.add("later"), 1);
      const item = yield* queue.next();
      log(`got ${String(item.value)}`);
      return item;
    },
  },
  {
    name: "on streams an EventTarget's events and removes its listener at the end",
    *operation(api, log) {
      const target = new LoggingTarget(log);
      yield* api.scoped(function* () {
        const subscription = yield* api.on(target, "ping");
        target.dispatchEvent(new Event("ping"));
        target.dispatchEvent(new Event("ping"));
        for (let i = 0; i < 2; i++) {
          const next = yield* subscription.next();
          log(`event ${next.done ? "done" : next.value.type}`);
        }
      });
      log("scope ended");
    },
  },
  {
    name: "once waits for the next event",
    *operation(api, log) {
      const target = new LoggingTarget(log);
      setTimeout(() => target.dispatchEvent(new Event("ready")), 1);
      const event = yield* api.once(target, "ready");
      log(`got ${event.type}`);
    },
  },
  {
    name: "once on an AbortSignal resolves when it aborts",
    *operation(api, log) {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 1);
      yield* api.once(controller.signal, "abort");
      log(`aborted ${controller.signal.aborted}`);
    },
  },
  {
    name: "interval ticks until the loop breaks, then stops",
    *operation(api, log) {
      let ticks = 0;
      for (const _ of yield* api.each(api.interval(1))) {
        ticks++;
        log(`tick ${ticks}`);
        if (ticks === 3) break;
        yield* api.each.next();
      }
      return ticks;
    },
  },
];

const interop: Scenario[] = [
  {
    name: "useAbortSignal aborts when its scope ends",
    *operation(api, log) {
      const signal = yield* api.scoped(function* () {
        const signal = yield* api.useAbortSignal();
        signal.addEventListener("abort", () => log("abort event"));
        log(`aborted inside ${signal.aborted}`);
        return signal;
      });
      log(`aborted after ${signal.aborted}`);
    },
  },
  {
    name: "useAbortSignal aborts when its task is halted",
    *operation(api, log) {
      const task = yield* api.spawn(function* () {
        const signal = yield* api.useAbortSignal();
        signal.addEventListener("abort", () => log("abort event"));
        yield* api.suspend();
      });
      yield* api.sleep(0);
      yield* task.halt();
      log("halted");
    },
  },
  {
    name: "createScope runs tasks until destroy halts them",
    async promise(api, log) {
      const [scope, destroy] = api.createScope();
      scope.run(() => waiter(api, log, "first"));
      scope.run(function* () {
        try {
          yield* api.suspend();
        } finally {
          log("second cleanup start");
          yield* api.sleep(1);
          log("second cleanup end");
        }
      });
      const value = await scope.run(function* () {
        return "from scope";
      });
      log(`value ${value}`);
      await destroy();
      log("destroyed");
    },
  },
  {
    name: "useScope runs a task from a callback that ends with the scope",
    *operation(api, log) {
      yield* api.scoped(function* () {
        const scope = yield* api.useScope();
        const done = api.withResolvers<string>();
        setTimeout(() => {
          scope.run(function* () {
            done.resolve("callback task ran");
            yield* waiter(api, log, "callback task");
          });
        }, 1);
        log(yield* done.operation);
      });
      log("scope ended");
    },
  },
  {
    name: "withResolvers resolves an operation from a callback",
    *operation(api) {
      const { operation, resolve } = api.withResolvers<number>();
      setTimeout(() => resolve(42), 1);
      return yield* operation;
    },
  },
  {
    name: "withResolvers rejects an operation and the first settlement wins",
    *operation(api, log) {
      const { operation, resolve, reject } = api.withResolvers<number>();
      reject(new Error("rejected first"));
      resolve(1);
      try {
        yield* operation;
      } catch (error) {
        log(`caught ${message(error)}`);
      }
      try {
        yield* operation;
      } catch (error) {
        log(`caught again ${message(error)}`);
      }
    },
  },
  {
    name: "action resolves and then runs its teardown",
    *operation(api, log) {
      const value = yield* api.action<string>((resolve) => {
        const id = setTimeout(() => resolve("resolved"), 1);
        return () => {
          clearTimeout(id);
          log("teardown");
        };
      });
      log(`value ${value}`);
      return value;
    },
  },
  {
    name: "action runs its teardown when halted",
    *operation(api, log) {
      const task = yield* api.spawn(() =>
        api.action<void>(() => {
          log("executor ran");
          return () => log("teardown");
        }),
      );
      yield* api.sleep(0);
      yield* task.halt();
      log("halted");
    },
  },
  {
    name: "action rejects asynchronously into the caller's catch",
    *operation(api, log) {
      try {
        yield* api.action<void>((_, reject) => {
          const id = setTimeout(() => reject(new Error("action failed")), 1);
          return () => {
            clearTimeout(id);
            log("teardown");
          };
        });
      } catch (error) {
        log(`caught ${message(error)}`);
      }
    },
  },
  {
    name: "action resolving synchronously runs its teardown before the caller resumes",
    *operation(api, log) {
      const value = yield* api.action<string>((resolve) => {
        resolve("sync");
        return () => log("teardown");
      });
      log(`value ${value}`);
    },
    differs: {
      reason:
        "an action's teardown runs before its caller resumes, also when it settles synchronously",
      skein: { log: ["teardown", "value sync"], outcome: { ok: true, value: undefined } },
      effection: { log: ["value sync", "teardown"], outcome: { ok: true, value: undefined } },
    },
  },
  {
    name: "action rejecting synchronously runs its teardown before the caller's catch",
    *operation(api, log) {
      try {
        yield* api.action<void>((_, reject) => {
          reject(new Error("action failed"));
          return () => log("teardown");
        });
      } catch (error) {
        log(`caught ${message(error)}`);
      }
    },
    differs: {
      reason:
        "an action's teardown runs before its caller resumes, also when it settles synchronously",
      skein: { log: ["teardown", "caught action failed"], outcome: { ok: true, value: undefined } },
      effection: {
        log: ["caught action failed", "teardown"],
        outcome: { ok: true, value: undefined },
      },
    },
  },
  {
    name: "call and until await promises, lift wraps a function",
    *operation(api, log) {
      const a = yield* api.call(() => Promise.resolve("call"));
      const b = yield* api.until(Promise.resolve("until"));
      const c = yield* api.lift((x: number) => x * 2)(21);
      try {
        yield* api.call(() => Promise.reject(new Error("promise rejected")));
      } catch (error) {
        log(`caught ${message(error)}`);
      }
      return [a, b, c];
    },
  },
  {
    name: "a halted run leaves a pending promise in call() unawaited",
    async promise(api, log) {
      const task = api.run(function* () {
        try {
          yield* api.call(() => new Promise<never>(() => {}));
        } finally {
          log("finally");
        }
      });
      await task.halt();
      log("halted");
    },
  },
];

function* childThenHalt(api: Api, log: Log) {
  const task = yield* api.spawn(() => waiter(api, log, "child"));
  yield* api.sleep(0);
  return task;
}

const deliberate: Scenario[] = [
  {
    name: "expect() on a context with no value throws MissingContextError",
    *operation(api) {
      yield* api.createContext<string>("differential.unset").expect();
    },
    differs: {
      reason: "MissingContextError's message is a sentence naming the context",
      skein: {
        log: [],
        outcome: {
          ok: false,
          name: "MissingContextError",
          message: 'no value for context "differential.unset"',
        },
      },
      effection: {
        log: [],
        outcome: { ok: false, name: "MissingContextError", message: "differential.unset" },
      },
    },
  },
  {
    name: "a halted task awaited as a promise rejects",
    async promise(api, log) {
      const task = api.run(() => waiter(api, log, "task"));
      await task.halt();
      try {
        await task;
      } catch (error) {
        log(`rejected ${message(error)}`);
        throw error;
      }
    },
    differs: {
      reason: "a halted task rejects with HaltError (code halted), not a plain Error",
      skein: {
        log: ["task started", "task finally", "rejected halted"],
        outcome: { ok: false, name: "HaltError", message: "halted" },
      },
      effection: {
        log: ["task started", "task finally", "rejected halted"],
        outcome: { ok: false, name: "Error", message: "halted" },
      },
    },
  },
  {
    name: "a halted child joined with yield* throws",
    *operation(api, log) {
      const task = yield* childThenHalt(api, log);
      yield* task.halt();
      yield* task;
    },
    differs: {
      reason: "a halted task rejects with HaltError (code halted), not a plain Error",
      skein: {
        log: ["child started", "child finally"],
        outcome: { ok: false, name: "HaltError", message: "halted" },
      },
      effection: {
        log: ["child started", "child finally"],
        outcome: { ok: false, name: "Error", message: "halted" },
      },
    },
  },
  {
    name: "task.halt() acts when called, before its future is awaited",
    *operation(api, log) {
      const task = yield* childThenHalt(api, log);
      task.halt();
      log("halt() called");
      yield* api.sleep(5);
      log("slept");
      yield* task.halt();
      log("halt awaited");
    },
    differs: {
      reason: "task.halt() is eager, effection's is lazy",
      skein: {
        log: ["child started", "halt() called", "child finally", "slept", "halt awaited"],
        outcome: { ok: true, value: undefined },
      },
      effection: {
        log: ["child started", "halt() called", "slept", "child finally", "halt awaited"],
        outcome: { ok: true, value: undefined },
      },
    },
  },
];

export const scenarios: Scenario[] = [
  ...spawning,
  ...halting,
  ...delegation,
  ...resources,
  ...combinators,
  ...context,
  ...streams,
  ...interop,
  ...deliberate,
];
