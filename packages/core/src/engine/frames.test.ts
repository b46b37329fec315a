import { expect } from "vitest";
import { runProgram } from "../fixtures/program.js";
import { sleep } from "../sleep.js";
import { spawn } from "../spawn.js";
import { suspend } from "../suspend.js";
import { describe, it } from "../test/mod.js";
import { withResolvers } from "../with-resolvers.js";

const GeneratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf((function* () {})()));

describe("finding the frames of a halted yield* chain", () => {
  it("leaves the generator prototype's return as it found it once the halt's first step is over", function* () {
    const before = GeneratorPrototype.return;
    const during: unknown[] = [];
    const started = withResolvers<void>();
    function* inner(): Generator<any, void> {
      try {
        started.resolve();
        yield* suspend();
      } finally {
        yield* sleep(1);
        during.push(GeneratorPrototype.return);
      }
    }
    const task = yield* spawn(function* () {
      yield* inner();
    });
    yield* started.operation;
    yield* task.halt();
    expect(during).toEqual([before]);
    expect(GeneratorPrototype.return).toBe(before);
  });

  it("halts with every finally run to its end under node --frozen-intrinsics", function* () {
    const { status, stdout, stderr } = yield* runProgram(
      new URL("../fixtures/frozen-halt-program.ts", import.meta.url),
      "",
      false,
      false,
      ["--frozen-intrinsics"],
    );
    expect(stderr).not.toContain("TypeError");
    expect(stdout).toBe("ready\ninner cleanup done\nouter cleanup done\nhalted\n");
    expect(status).toBe(0);
  }, 30_000);
});
