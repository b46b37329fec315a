import { expect } from "vitest";
import { resource } from "../resource.js";
import { createSuiteResource, describe, it } from "./mod.js";

// Counted across the suites of this file, which vitest runs in order.
const log: string[] = [];

describe("createSuiteResource()", () => {
  describe("a suite sharing one resource", () => {
    const shared = createSuiteResource(() =>
      resource<{ id: number }>(function* (provide) {
        log.push("acquired");
        try {
          yield* provide({ id: log.length });
        } finally {
          log.push("released");
        }
      }),
    );

    it("hands the first test the value it provided", function* () {
      expect(shared()).toEqual({ id: 1 });
      expect(log).toEqual(["acquired"]);
    });

    it("hands the second test the same value, acquired once and not yet released", function* () {
      expect(shared()).toEqual({ id: 1 });
      expect(log).toEqual(["acquired"]);
    });
  });

  it("released it after the suite's last test", function* () {
    expect(log).toEqual(["acquired", "released"]);
  });

  describe("outside its suite's tests", () => {
    const early = createSuiteResource(() =>
      resource<number>(function* (provide) {
        yield* provide(1);
      }),
    );
    let thrown: unknown;
    try {
      early();
    } catch (error) {
      thrown = error;
    }

    it("refuses to give a value while the suite is still being declared", function* () {
      expect(thrown).toBeInstanceOf(Error);
      expect(String(thrown)).toContain("only inside the suite's tests");
      expect(early()).toBe(1);
    });
  });
});
