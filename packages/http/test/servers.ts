import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { action, type Operation, resource, scoped } from "@skein/core";
import { expect } from "vitest";

/** A plain node:http server on 127.0.0.1 and a port of its own, with its open sockets. */
export interface TestServer {
  url: string;
  server: Server;
  sockets: Set<Socket>;
  /** How many connections it has accepted. */
  accepted: number;
}

/** Start a node:http server for one test; it is closed, sockets and all, with the test's scope. */
export function useTestServer(
  listener: (request: IncomingMessage, response: ServerResponse) => void,
): Operation<TestServer> {
  return resource<TestServer>(function* (provide) {
    const server = createServer(listener);
    const state: TestServer = { url: "", server, sockets: new Set(), accepted: 0 };
    server.on("connection", (socket: Socket) => {
      state.accepted++;
      state.sockets.add(socket);
      socket.on("close", () => state.sockets.delete(socket));
    });
    yield* action<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
      return () => server.off("error", reject);
    });
    state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      yield* provide(state);
    } finally {
      server.closeAllConnections();
      yield* action<void>((resolve) => {
        server.close(() => resolve());
        return () => {};
      });
    }
  });
}

const WATCHED = new Set(["TCPSocketWrap", "TCPServerWrap", "Timeout"]);

/** The open sockets, servers and timers of the process, by kind. */
export function openHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (WATCHED.has(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

function nextTurn(): Operation<void> {
  return action<void>((resolve) => {
    const id = setImmediate(resolve);
    return () => clearImmediate(id);
  });
}

/**
 * Run `body` in a scope of its own, then check that once that scope is gone no socket, server
 * or timer is left that was not there before. Closed handles leave the list a few event-loop
 * turns later, so the check gives them up to 100 turns.
 */
export function* withoutLeaks<T>(body: () => Operation<T>): Operation<T> {
  const before = openHandles();
  const result = yield* scoped(body);
  let after = openHandles();
  for (let turn = 0; turn < 100 && !within(after, before); turn++) {
    yield* nextTurn();
    after = openHandles();
  }
  expect(after, `handles before: ${JSON.stringify(before)}`).toEqual(atMost(after, before));
  return result;
}

/** Whether `a` has no more handles of any kind than `b` (the ones before may still be closing). */
function within(a: Record<string, number>, b: Record<string, number>): boolean {
  for (const key of Object.keys(a)) if ((a[key] ?? 0) > (b[key] ?? 0)) return false;
  return true;
}

function atMost(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const capped: Record<string, number> = {};
  for (const key of Object.keys(a)) capped[key] = Math.min(a[key] ?? 0, b[key] ?? 0);
  return capped;
}

/** The error an operation throws, or a failed expectation if it returns. */
export function* failure(operation: Operation<unknown>): Operation<Error> {
  try {
    yield* operation;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the operation to fail");
}
