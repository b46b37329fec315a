import type { Scenario } from "../harness.js";
import { message, waiter } from "./fixtures.js";

export const resources: Scenario[] = [
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

export const combinators: Scenario[] = [
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
