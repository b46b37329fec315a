import { expect } from "vitest";
import { inspect } from "../inspect.js";
import { useScope } from "../scope.js";
import { scoped } from "../scoped.js";
import { spawn } from "../spawn.js";
import { describe, findTask, it, waitAllTasksBlocked } from "../test/mod.js";
import type { Operation } from "../types.js";
import { until } from "../until.js";
import { waitingFor } from "../waiting-for.js";
import { withResolvers } from "../with-resolvers.js";
import { createApi } from "./create-api.js";
import { InvalidApiError } from "./invalid-api-error.js";

interface Http {
  get(url: string): Operation<string>;
  retries: number;
}

/** A fetch-like API whose core would go to the network; the tests mock it with middleware. */
function createHttp(calls: string[]) {
  return createApi<Http>("http", {
    *get(url) {
      calls.push(`network ${url}`);
      return `real ${url}`;
    },
    retries: 3,
  });
}

function tag(events: string[], name: string) {
  return {
    *get(args: [string], next: (url: string) => Operation<string>) {
      events.push(`${name} in`);
      const value = yield* next(...args);
      events.push(`${name} out`);
      return `${name}(${value})`;
    },
  };
}

describe("createApi()", () => {
  it("runs the core when no middleware is installed", function* () {
    const calls: string[] = [];
    const Http = createHttp(calls);
    expect(yield* Http.operations.get("/a")).toBe("real /a");
    expect(yield* Http.operations.retries).toBe(3);
    expect(calls).toEqual(["network /a"]);
  });

  it("lets a test mock a fetch-like call for its scope only", function* () {
    const calls: string[] = [];
    const Http = createHttp(calls);
    const mocked = yield* scoped(function* () {
      yield* Http.around({
        *get([url]) {
          return `mock ${url}`;
        },
      });
      return yield* Http.operations.get("/a");
    });
    expect(mocked).toBe("mock /a");
    expect(yield* Http.operations.get("/b")).toBe("real /b");
    expect(calls).toEqual(["network /b"]);
  });

  it("reaches children that exist before the middleware is installed", function* () {
    const Http = createHttp([]);
    const go = withResolvers<void>();
    const child = yield* spawn(function* () {
      yield* go.operation;
      return yield* Http.operations.get("/late");
    });
    const scope = yield* useScope();
    scope.around(Http, { retries: () => 0 });
    yield* Http.around(tag([], "late"));
    go.resolve();
    expect(yield* child).toBe("late(real /late)");
    expect(yield* Http.operations.retries).toBe(0);
  });

  it("reaches a scope a child has open when installed later above it, and never a sibling scope", function* () {
    const Http = createHttp([]);
    const go = withResolvers<void>();
    const inner = yield* spawn(() =>
      scoped(function* () {
        yield* go.operation;
        return yield* Http.operations.get("/inner");
      }),
    );
    const sibling = yield* spawn(function* () {
      yield* go.operation;
      return yield* Http.operations.get("/sibling");
    });
    const mocked = yield* spawn(function* () {
      yield* Http.around(tag([], "mine"));
      yield* go.operation;
      return yield* Http.operations.get("/mine");
    });
    // Installed on the parent only after every child (and the inner scope) exists.
    yield* Http.around(tag([], "late"));
    go.resolve();
    expect(yield* inner).toBe("late(real /inner)");
    expect(yield* sibling).toBe("late(real /sibling)");
    expect(yield* mocked).toBe("late(mine(real /mine))");
  });

  it("keeps a scope's middleware from its siblings", function* () {
    const Http = createHttp([]);
    const mocked = yield* spawn(function* () {
      yield* Http.around(tag([], "mine"));
      return yield* Http.operations.get("/mine");
    });
    expect(yield* mocked).toBe("mine(real /mine)");
    expect(yield* Http.operations.get("/plain")).toBe("real /plain");
  });

  it("applies an ancestor's middleware once, also when the ancestor adds more later", function* () {
    const events: string[] = [];
    const Http = createHttp([]);
    yield* Http.around(tag(events, "root"));
    const first = yield* scoped(function* () {
      yield* Http.around(tag(events, "child"));
      return yield* Http.operations.get("/1");
    });
    yield* Http.around(tag(events, "root2"));
    const second = yield* scoped(function* () {
      return yield* Http.operations.get("/2");
    });
    expect(first).toBe("root(child(real /1))");
    expect(second).toBe("root(root2(real /2))");
  });

  it("orders max middleware outside in and min middleware next to the core", function* () {
    const events: string[] = [];
    const Http = createHttp([]);
    yield* Http.around(tag(events, "max1"));
    yield* Http.around(tag(events, "min1"), { at: "min" });
    yield* Http.around(tag(events, "max2"));
    yield* Http.around(tag(events, "min2"), { at: "min" });
    const value = yield* scoped(function* () {
      yield* Http.around(tag(events, "childMax"));
      yield* Http.around(tag(events, "childMin"), { at: "min" });
      return yield* Http.operations.get("/x");
    });
    expect(value).toBe("max1(max2(childMax(childMin(min2(min1(real /x))))))");
  });

  it("runs one operation value more than once, one run after another and side by side", function* () {
    const calls: string[] = [];
    const Http = createHttp(calls);
    const get = Http.operations.get("/same");
    expect(yield* get).toBe("real /same");
    expect(yield* get).toBe("real /same");
    const gate = withResolvers<void>();
    const slow = createApi<{ wait(): Operation<string> }>("slow", {
      *wait() {
        yield* gate.operation;
        return "opened";
      },
    });
    const wait = slow.operations.wait();
    const first = yield* spawn(() => wait);
    const second = yield* spawn(() => wait);
    gate.resolve();
    expect([yield* first, yield* second]).toEqual(["opened", "opened"]);
    expect(calls).toEqual(["network /same", "network /same"]);
  });

  it("finds the middleware of the task that runs it inside waitingFor(), and labels the wait of a core that returns one", function* () {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const Slow = createApi<{ wait(name: string): Operation<string> }>("slow", {
      wait: (name) =>
        waitingFor(`slow ${name}`, {
          *[Symbol.iterator]() {
            yield* until(gate);
            return `core ${name}`;
          },
        }),
    });
    const task = yield* spawn(
      function* () {
        yield* Slow.around({
          *wait([name], next) {
            return `mine(${yield* next(name)})`;
          },
        });
        return yield* waitingFor("outer", Slow.operations.wait("a"));
      },
      { name: "waiter" },
    );
    yield* waitAllTasksBlocked();
    expect(findTask(inspect(), "waiter")!.waitingOn).toBe("outer: slow a: promise");
    open();
    expect(yield* task).toBe("mine(core a)");
  });

  it("rejects a core or middleware that is not an object, and an API not made by createApi", function* () {
    expect(() => createApi("bad", null as unknown as {})).toThrow(InvalidApiError);
    const Http = createHttp([]);
    const scope = yield* useScope();
    expect(() => scope.around(Http, null as unknown as {})).toThrow(InvalidApiError);
    expect(() => scope.around(Http, {}, { at: "middle" as "max" })).toThrow(InvalidApiError);
    let caught: unknown;
    try {
      scope.around({ operations: {}, around: () => ({}) } as never, {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidApiError);
    expect(caught).toMatchObject({ code: "invalid-api" });
  });
});
