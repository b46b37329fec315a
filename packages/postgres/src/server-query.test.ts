import {
  moveOnAfter,
  type Operation,
  spawn,
  TimeoutError,
  timeout,
  withResolvers,
} from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { caught } from "../test/suite.js";
import { type Connection, runQuery } from "./server-query.js";

/**
 * A connection held alone whose every query is `statement` as postgres.js hands it out: sent
 * (running on a backend) or not, with `canceller` as its cancel request.
 */
function fakeConnection(
  statement: Promise<never>,
  sent: boolean,
  canceller: () => Promise<void>,
  onReset: () => void,
): Connection {
  const pending = Object.assign(statement, {
    state: sent ? { pid: 1, secret: 1 } : null,
    active: sent,
    canceller,
  });
  return {
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
      onReset();
    },
  };
}

/** A connection whose one query never settles, as postgres.js leaves one after a termination. */
function stalled(sent: boolean): { connection: Connection; resets: number; cancels: number } {
  const state = { resets: 0, cancels: 0 };
  const connection = fakeConnection(
    new Promise<never>(() => {}),
    sent,
    () => {
      state.cancels++;
      return Promise.resolve();
    },
    () => {
      state.resets++;
    },
  );
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

/** A promise and the functions that settle it (Node 20 has no `Promise.withResolvers`). */
function promiseWithResolvers<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
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

  it("finishes a halt only after every cancel request it sent is done, though the statement settled first", function* () {
    const statement = promiseWithResolvers<never>();
    const request = promiseWithResolvers<void>();
    const events: string[] = [];
    const sent = withResolvers<void>();
    const connection = fakeConnection(
      statement.promise,
      true,
      () => {
        sent.resolve();
        return request.promise.then(() => {
          events.push("cancel request done");
        });
      },
      () => events.push("reset"),
    );
    const task = yield* spawn(() =>
      runQuery(connection, { text: "select pg_sleep(1)", params: [] }),
    );
    const halting = yield* spawn(function* () {
      yield* task.halt();
      events.push("halted");
    });
    yield* sent.operation;
    // The statement ends on its own before the server has taken the cancel request: a request
    // still on its way would stop whatever the connection runs next.
    statement.reject(
      Object.assign(new Error("canceling statement due to user request"), { code: "57014" }),
    );
    events.push("statement settled");
    expect((yield* moveOnAfter(50, halting)).timedOut).toBe(true);
    request.resolve();
    yield* halting;
    expect(events).toEqual(["statement settled", "cancel request done", "halted"]);
    expect(connection.cancelling).toBe(0);
    expect(connection.running.size).toBe(0);
  });
});
