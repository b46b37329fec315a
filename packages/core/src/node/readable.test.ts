import { Readable } from "node:stream";
import { expect } from "vitest";
import { each } from "../each.js";
import { scoped } from "../scoped.js";
import { describe, it } from "../test/mod.js";
import { fromReadable } from "./readable.js";

describe("fromReadable()", () => {
  it("streams every chunk of a readable and ends with it", function* () {
    const chunks: string[] = [];
    for (const chunk of yield* each(fromReadable<string>(Readable.from(["a", "b", "c"])))) {
      chunks.push(chunk);
      yield* each.next();
    }
    expect(chunks).toEqual(["a", "b", "c"]);
  });

  it("pulls only as far as the reader and destroys the readable when stopped early", function* () {
    let produced = 0;
    const readable = new Readable({
      objectMode: true,
      highWaterMark: 2,
      read() {
        this.push(produced++);
      },
    });
    const seen: number[] = [];
    yield* scoped(function* () {
      const subscription = yield* fromReadable<number>(readable);
      for (let i = 0; i < 3; i++) {
        const next = yield* subscription.next();
        if (!next.done) seen.push(next.value);
      }
    });
    expect(seen).toEqual([0, 1, 2]);
    expect(produced).toBeLessThanOrEqual(3 + 2 + 1);
    expect(readable.destroyed).toBe(true);
  });

  it("throws the readable's error to the reader", function* () {
    const readable = new Readable({
      read() {
        this.destroy(new Error("disk on fire"));
      },
    });
    let caught: unknown;
    try {
      const subscription = yield* fromReadable(readable);
      yield* subscription.next();
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).toBe("disk on fire");
  });
});
