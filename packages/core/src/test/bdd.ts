import * as vitest from "vitest";
import type { Operation } from "../types.js";
import { Harness } from "./harness.js";

const HARNESS = Symbol.for("@skein/core/test.harness");

function harnessOf(context: object): Harness {
  const holder = context as { [HARNESS]?: Harness };
  holder[HARNESS] ??= new Harness();
  return holder[HARNESS];
}

/**
 * A vitest suite; the same as vitest's `describe`, re-exported so tests import one module.
 *
 * @example
 * ```ts
 * import { describe, it } from "@skein/core/test";
 * import { sleep } from "@skein/core";
 *
 * describe("sleep()", () => {
 *   it("waits", function* () {
 *     yield* sleep(1);
 *   });
 * });
 * ```
 */
export const describe: typeof vitest.describe = vitest.describe;

/**
 * Run an operation before each test of the suite, in the test's own scope: resources it
 * acquires stay alive during the test and are torn down after it.
 *
 * @example
 * ```ts
 * import { beforeEach, describe, it } from "@skein/core/test";
 * import { createContext } from "@skein/core";
 *
 * const Name = createContext<string>("name");
 * describe("contexts", () => {
 *   beforeEach(function* () { yield* Name.set("ada"); });
 *   it("sees the value set before", function* () {
 *     if ((yield* Name.expect()) !== "ada") throw new Error("missing");
 *   });
 * });
 * ```
 *
 * @param hook - the operation to run before each test
 */
export function beforeEach(hook: () => Operation<void>): void {
  vitest.beforeEach((context) => {
    harnessOf(context).hooks.push(hook);
  });
}

/**
 * A test whose body is an operation. It runs (after the suite's `beforeEach` operations) as one
 * task in a scope of its own, which is destroyed when the test ends, also on timeout. The test
 * fails if the operation throws, if cleanup throws, or if it leaves tasks running in the global
 * scope (those are halted).
 *
 * @example
 * ```ts
 * import { expect } from "vitest";
 * import { describe, it } from "@skein/core/test";
 * import { spawn } from "@skein/core";
 *
 * describe("spawn()", () => {
 *   it("returns the child's value", function* () {
 *     const task = yield* spawn(function* () { return 1; });
 *     expect(yield* task).toBe(1);
 *   });
 * });
 * ```
 *
 * @param name - the test's name, as a sentence
 * @param body - the test
 * @param timeout - vitest's timeout in milliseconds
 */
export function it(name: string, body: () => Operation<void>, timeout?: number): void {
  vitest.it(
    name,
    async (context) => {
      const harness = harnessOf(context);
      context.onTestFinished(() => harness.end());
      await harness.run(body);
    },
    timeout,
  );
}
