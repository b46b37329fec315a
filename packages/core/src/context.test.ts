import { expect } from "vitest";
import { createContext } from "./context.js";
import { MissingContextError } from "./errors.js";
import { useScope } from "./scope.js";
import { scoped } from "./scoped.js";
import { spawn } from "./spawn.js";
import { describe, it } from "./test/mod.js";

const Color = createContext<string>("context-test.color");
const Size = createContext<number>("context-test.size", 10);

describe("createContext()", () => {
  it("gives the default value where none is set", function* () {
    expect(yield* Size.get()).toBe(10);
    expect(yield* Color.get()).toBeUndefined();
  });

  it("throws a MissingContextError from expect() when there is no value", function* () {
    let error: unknown;
    try {
      yield* Color.expect();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MissingContextError);
    expect((error as MissingContextError).code).toBe("missing-context");
    expect((error as MissingContextError).context).toBe("context-test.color");
  });

  it("lets children see values their parents set", function* () {
    yield* Color.set("red");
    const child = yield* spawn(function* () {
      const grandchild = yield* spawn(function* () {
        return yield* Color.expect();
      });
      return yield* grandchild;
    });
    expect(yield* child).toBe("red");
  });

  it("keeps a child's value from its parent", function* () {
    yield* Color.set("red");
    const child = yield* spawn(function* () {
      yield* Color.set("blue");
      return yield* Color.expect();
    });
    expect(yield* child).toBe("blue");
    expect(yield* Color.expect()).toBe("red");
  });

  it("sets a value for the duration of with() and restores it afterwards", function* () {
    yield* Color.set("red");
    const seen = yield* Color.with("green", function* (value) {
      const child = yield* spawn(function* () {
        return yield* Color.expect();
      });
      return [value, yield* Color.expect(), yield* child];
    });
    expect(seen).toEqual(["green", "green", "green"]);
    expect(yield* Color.expect()).toBe("red");
  });

  it("removes a value that with() added when none was set before", function* () {
    yield* Color.with("green", function* () {});
    expect(yield* Color.get()).toBeUndefined();
  });

  it("restores the outer value after a set() inside scoped()", function* () {
    yield* Size.set(1);
    const inner = yield* scoped(function* () {
      yield* Size.set(2);
      const child = yield* spawn(function* () {
        return yield* Size.expect();
      });
      return yield* child;
    });
    expect(inner).toBe(2);
    expect(yield* Size.expect()).toBe(1);
  });

  it("deletes only the current scope's own value", function* () {
    yield* Color.set("red");
    const child = yield* spawn(function* () {
      yield* Color.set("blue");
      const deleted = yield* Color.delete();
      return [deleted, yield* Color.get()];
    });
    expect(yield* child).toEqual([true, "red"]);
  });

  it("is readable from the scope object", function* () {
    yield* Color.set("red");
    const scope = yield* useScope();
    expect(scope.get(Color)).toBe("red");
    expect(scope.hasOwn(Color)).toBe(true);
  });
  it("restores the outer value when the operation given to with() throws", function* () {
    yield* Color.set("red");
    try {
      yield* Color.with("green", function* () {
        throw new Error("inside");
      });
    } catch {}
    expect(yield* Color.expect()).toBe("red");
  });
});
