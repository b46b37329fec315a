import { createEvent, spawn } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { HostGate } from "./host-gate.js";

describe("HostGate", () => {
  it("forgets the least recently used idle hosts beyond its cap", function* () {
    const gate = new HostGate(1, 2);
    for (const host of ["a", "b", "c", "d", "e"]) {
      yield* gate.run(host, 0, function* () {
        return host;
      });
    }
    expect(gate.size).toBe(2);
  });

  it("keeps a busy host beyond its cap, still one request at a time on it", function* () {
    const gate = new HostGate(1, 1);
    const holding = createEvent();
    const release = createEvent();
    const asked = createEvent();
    const order: string[] = [];
    const first = yield* spawn(() =>
      gate.run("busy", 0, function* () {
        order.push("first start");
        holding.set();
        yield* release.wait();
        order.push("first end");
      }),
    );
    yield* holding.wait();
    for (const host of ["x", "y", "z"]) yield* gate.run(host, 0, function* () {});
    expect(gate.size).toBe(1);
    const second = yield* spawn(function* () {
      asked.set();
      yield* gate.run("busy", 0, function* () {
        order.push("second start");
      });
    });
    yield* asked.wait();
    release.set();
    yield* first;
    yield* second;
    expect(order).toEqual(["first start", "first end", "second start"]);
  });
});
