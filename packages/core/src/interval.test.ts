import { expect } from "vitest";
import { each } from "./each.js";
import { interval } from "./interval.js";
import { scoped } from "./scoped.js";
import { describe, it } from "./test/mod.js";

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
}

describe("interval()", () => {
  it("ticks repeatedly and clears its timer when the loop's scope ends", function* () {
    const before = activeTimers();
    let ticks = 0;
    yield* scoped(function* () {
      for (const _ of yield* each(interval(1))) {
        expect(activeTimers()).toBe(before + 1);
        if (++ticks === 3) break;
        yield* each.next();
      }
    });
    expect(ticks).toBe(3);
    expect(activeTimers()).toBe(before);
  });
});
