import { type Operation, TimeoutError, timeout } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { caught } from "../test/suite.js";
import { type Connection, runQuery } from "./server-query.js";

/** A connection whose one query never settles, as postgres.js leaves one after a termination. */
function stalled(sent: boolean): { connection: Connection; resets: number; cancels: number } {
  const state = { resets: 0, cancels: 0 };
  const pending = Object.assign(new Promise<never>(() => {}), {
    state: sent ? { pid: 1, secret: 1 } : null,
    active: sent,
    canceller: () => {
      state.cancels++;
      return Promise.resolve();
    },
  });
  const connection: Connection = {
    sql: { unsafe: () => pending } as unknown as Connection["sql"],
    closed: new Set(),
    running: new Set(),
    load: 1,
    exclusive: true,
    full: false,
    ready: true,
    cancels: 0,
    cancelling: 0,
    *reset(): Operation<void> {
      state.resets++;
    },
  };
  return {
    connection,
    get resets() {
      return state.resets;
    },
    get cancels() {
      return state.cancels;
    },
  };
}

describe("runQuery", () => {
  it("replaces the client of a running statement that never settles, even when a deadline halted it", function* () {
    const stall = stalled(true);
    const started = performance.now();
    const error = yield* caught(
      timeout(50, runQuery(stall.connection, { text: "select 1", params: [] })),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(stall.resets).toBe(1);
    // The cancel was sent again while the statement kept running, then the bound gave up.
    expect(stall.cancels).toBeGreaterThan(1);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(stall.connection.running.size).toBe(0);
    expect(stall.connection.cancelling).toBe(0);
  });

  it("never cancels a query postgres.js has not sent, and replaces its client when it never settles", function* () {
    const stall = stalled(false);
    const error = yield* caught(
      timeout(50, runQuery(stall.connection, { text: "select 1", params: [] })),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(stall.cancels).toBe(0);
    expect(stall.resets).toBe(1);
  });
});
