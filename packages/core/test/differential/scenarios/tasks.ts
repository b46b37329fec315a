import type { Scenario } from "../harness.js";
import { message, waiter } from "./fixtures.js";

export const spawning: Scenario[] = [
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

export const halting: Scenario[] = [
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
    name: "a halt that arrives while a normally entered finally waits stops that finally there (shield() it)",
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
