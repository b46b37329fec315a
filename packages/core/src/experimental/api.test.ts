import { expect } from "vitest";
import { all } from "../all.js";
import { createContext } from "../context.js";
import { race } from "../race.js";
import { resource } from "../resource.js";
import { createScope, useScope } from "../scope.js";
import { scoped } from "../scoped.js";
import { sleep } from "../sleep.js";
import { spawn } from "../spawn.js";
import { suspend } from "../suspend.js";
import { describe, it } from "../test/mod.js";
import type { Scope } from "../types.js";
import { api } from "./api.js";
import { InvalidApiError } from "./invalid-api-error.js";

/** Counts the children made through `api.Scope.create` below `scope`. */
function countCreates(scope: Scope): { creates: number } {
  const seen = { creates: 0 };
  scope.around(api.Scope, {
    create(args, next) {
      seen.creates++;
      return next(...args);
    },
  });
  return seen;
}

describe("api.Scope", () => {
  it("sees the tasks of all(), race() and resources, and the tasks spawned in scoped()", function* () {
    const seen = countCreates(yield* useScope());
    yield* all([sleep(0), sleep(0)]);
    expect(seen.creates).toBe(2);
    yield* race([sleep(0), suspend()]);
    expect(seen.creates).toBe(4);
    yield* resource<number>(function* (provide) {
      yield* provide(1);
    });
    expect(seen.creates).toBe(5);
    yield* scoped(function* () {
      yield* spawn(() => sleep(0));
    });
    expect(seen.creates).toBe(6);
  });

  it("sees the tasks of a scoped() that was open when it was installed", function* () {
    const outer = yield* useScope();
    yield* scoped(function* () {
      const seen = countCreates(outer);
      yield* spawn(() => sleep(0));
      expect(seen.creates).toBe(1);
    });
  });

  it("makes a scope once when create is invoked by hand", function* () {
    const here = yield* useScope();
    const seen = countCreates(here);
    const [child, destroy] = yield* api.Scope.operations.create(here);
    expect(seen.creates).toBe(1);
    expect(yield* child.spawn(() => sleep(0))).toBeDefined();
    expect(seen.creates).toBe(2);
    yield* destroy();
  });

  it("rejects a create middleware that returns something other than what next() made", function* () {
    const here = yield* useScope();
    const [other, destroyOther] = createScope();
    here.around(api.Scope, {
      create(args, next) {
        const [, destroy] = next(...args);
        return [other, destroy];
      },
    });
    let error: unknown;
    try {
      yield* spawn(() => sleep(0));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidApiError);
    expect((error as InvalidApiError).code).toBe("invalid-api");
    yield* destroyOther();
  });

  it("leaves scopes above the one it was installed on alone", function* () {
    const Name = createContext<string>("api-scope-test.name", "default");
    const writes: string[] = [];
    const child = yield* spawn(function* () {
      (yield* useScope()).around(api.Scope, {
        set(args, next) {
          writes.push(String(args[2]));
          return next(...args);
        },
      });
      yield* Name.set("child");
    });
    yield* child;
    yield* Name.set("parent");
    expect(writes).toEqual(["child"]);
  });
});
