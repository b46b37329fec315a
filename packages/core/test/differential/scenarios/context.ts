import type { Scenario } from "../harness.js";

export const context: Scenario[] = [
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
