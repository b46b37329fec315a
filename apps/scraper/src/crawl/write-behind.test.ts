import { createEvent, spawn } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { WriteBehind } from "./write-behind.js";

describe("WriteBehind", () => {
  it("writes a full batch at once and the rest on flush, in order", function* () {
    const written: number[][] = [];
    const buffer = new WriteBehind<number>({
      maxBatch: 3,
      intervalMs: 60_000,
      *write(batch) {
        written.push(batch);
      },
    });
    for (const n of [1, 2, 3, 4, 5]) yield* buffer.add(n);
    expect(written).toEqual([[1, 2, 3]]);
    expect(buffer.size).toBe(2);
    yield* buffer.flush();
    expect(written).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(buffer.size).toBe(0);
  });

  it("writes what waited for the interval without being asked", function* () {
    const done = createEvent();
    const written: string[][] = [];
    const buffer = new WriteBehind<string>({
      maxBatch: 100,
      intervalMs: 5,
      *write(batch) {
        written.push(batch);
        done.set();
      },
    });
    yield* spawn(() => buffer.run());
    yield* buffer.add("a");
    yield* buffer.add("b");
    yield* done.wait();
    expect(written).toEqual([["a", "b"]]);
  });

  it("puts back a batch whose write was halted, for the next flush", function* () {
    const started = createEvent();
    const never = createEvent();
    const written: number[][] = [];
    let stall = true;
    const buffer = new WriteBehind<number>({
      maxBatch: 2,
      intervalMs: 60_000,
      *write(batch) {
        if (stall) {
          started.set();
          yield* never.wait();
        }
        written.push(batch);
      },
    });
    const filler = yield* spawn(function* () {
      yield* buffer.add(1);
      yield* buffer.add(2);
    });
    yield* started.wait();
    yield* filler.halt();
    expect(buffer.size).toBe(2);
    stall = false;
    yield* buffer.flush();
    expect(written).toEqual([[1, 2]]);
  });
});
