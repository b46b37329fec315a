import * as vitest from "vitest";
import { createScope } from "../scope.js";
import { suspend } from "../suspend.js";
import type { Operation } from "../types.js";

/**
 * Acquire something once for all the tests of a suite: `acquire` runs before the suite's first
 * test, in a scope the suite owns, and what it provides stays alive until after the last test,
 * when that scope is destroyed and its cleanup runs. For what is too slow to start per test (a
 * browser, an embedded database); tests sharing it must not depend on each other's leftovers.
 * Call it in a `describe` body; call the getter it returns inside that suite's tests.
 *
 * @example
 * ```ts
 * import { expect } from "vitest";
 * import { createSuiteResource, describe, it } from "@skein/core/test";
 * import { resource } from "@skein/core";
 *
 * describe("a shared connection", () => {
 *   const connection = createSuiteResource(() =>
 *     resource<{ open: boolean }>(function* (provide) {
 *       const handle = { open: true };
 *       try {
 *         yield* provide(handle);
 *       } finally {
 *         handle.open = false;
 *       }
 *     }),
 *   );
 *   it("is open in every test", function* () {
 *     expect(connection().open).toBe(true);
 *   });
 * });
 * ```
 *
 * @param acquire - the operation that provides the shared value (usually a resource)
 * @param timeout - how long acquiring may take, in milliseconds (vitest's hook timeout)
 * @returns a getter for the value, which throws when called outside the suite's tests
 */
export function createSuiteResource<T>(acquire: () => Operation<T>, timeout = 60_000): () => T {
  let shared: { value: T } | undefined;
  let destroy: (() => PromiseLike<void>) | undefined;
  let owner: PromiseLike<void> | undefined;
  vitest.beforeAll(async () => {
    const [scope, end] = createScope();
    destroy = end;
    const value = await new Promise<T>((resolve, reject) => {
      owner = scope.run(function* () {
        resolve(yield* acquire());
        yield* suspend();
      });
      owner.then(undefined, reject);
    });
    shared = { value };
  }, timeout);
  vitest.afterAll(async () => {
    shared = undefined;
    await destroy?.();
    // Halted by the destroy above: its outcome says nothing more.
    await Promise.resolve(owner).catch(() => {});
  });
  return () => {
    if (shared === undefined) {
      throw new Error("createSuiteResource(): its value exists only inside the suite's tests");
    }
    return shared.value;
  };
}
