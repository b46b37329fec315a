import type { Socket } from "node:net";
import {
  type Operation,
  run,
  scoped,
  sleep,
  spawn,
  suspend,
  type Task,
  withResolvers,
} from "@skein/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { trickle, useRawServer } from "../test/raw-servers.js";
import { withoutLeaks } from "../test/servers.js";
import type { HttpClient } from "./client.js";
import { useHttpClient } from "./client.js";

/** Where a request can be when it is halted. */
const STATES = ["connecting", "headers", "body", "draining", "retry-wait", "redirect"] as const;
type State = (typeof STATES)[number];

/**
 * How long a halt may take: a body nobody read is drained for at most 1 s before its socket
 * is destroyed, everything else stops at once. The rest is slack for a loaded machine.
 */
const HALT_BOUND_MS = 2500;

/**
 * A server that stalls or trickles by path: `/hold` and `/stall` never answer, `/trickle`
 * sends a chunked body a byte every `trickleMs`, `/busy` is a 503 asking for a retry in 5 s,
 * `/redirect` is a 302 to `/stall` whose own body trickles. `arrived` is told each path.
 */
function answer(
  socket: Socket,
  request: string,
  trickleMs: number,
  arrived: (path: string) => void,
) {
  const path = /^\w+ (\S+)/.exec(request)?.[1] ?? "/";
  if (path === "/trickle") {
    socket.write("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\nx\r\n");
    trickle(socket, trickleMs, "1\r\nx\r\n");
  } else if (path === "/busy") {
    socket.write("HTTP/1.1 503 Busy\r\nretry-after: 5\r\ncontent-length: 4\r\n\r\nbusy", () =>
      arrived(path),
    );
    return;
  } else if (path === "/redirect") {
    socket.write("HTTP/1.1 302 Found\r\nlocation: /stall\r\ntransfer-encoding: chunked\r\n\r\n");
    trickle(socket, trickleMs, "1\r\nx\r\n");
  }
  arrived(path);
}

/** Start the request that puts the client in `state`; `reached` is resolved once it is there. */
function* enter(
  state: State,
  client: HttpClient,
  url: string,
  arrivedAt: (path: string) => Operation<void>,
): Operation<Task<unknown>> {
  switch (state) {
    case "connecting": {
      // The one socket per host is held by another request: this one waits for a connection.
      yield* spawn(() => client.text(`${url}/hold`));
      yield* arrivedAt("/hold");
      return yield* spawn(() => client.text(`${url}/never-sent`));
    }
    case "headers": {
      const task = yield* spawn(() => client.text(`${url}/stall`));
      yield* arrivedAt("/stall");
      return task;
    }
    case "body": {
      const reading = withResolvers<void>();
      const task = yield* spawn(function* () {
        const response = yield* client.get(`${url}/trickle`);
        const subscription = yield* response.body;
        yield* subscription.next();
        reading.resolve();
        for (;;) yield* subscription.next();
      });
      yield* reading.operation;
      return task;
    }
    case "draining": {
      const got = withResolvers<void>();
      const task = yield* spawn(function* () {
        yield* scoped(function* () {
          yield* client.get(`${url}/trickle`);
          got.resolve();
        });
        yield* suspend();
      });
      yield* got.operation;
      return task;
    }
    case "retry-wait": {
      const task = yield* spawn(() => client.text(`${url}/busy`));
      yield* arrivedAt("/busy");
      return task;
    }
    case "redirect": {
      const task = yield* spawn(() => client.text(`${url}/redirect`));
      yield* arrivedAt("/redirect");
      return task;
    }
  }
}

describe("halting a request", () => {
  it("settles within a bound in every state, against a trickling and stalling server, leaving nothing open", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...STATES),
        fc.integer({ min: 0, max: 150 }),
        fc.integer({ min: 20, max: 900 }),
        async (state, haltAfterMs, trickleMs) => {
          const took = await run(() =>
            withoutLeaks(function* () {
              const waiting = new Map<string, () => void>();
              const seen = new Set<string>();
              const server = yield* useRawServer((socket, request) =>
                answer(socket, request, trickleMs, (path) => {
                  seen.add(path);
                  waiting.get(path)?.();
                }),
              );
              const arrivedAt = (path: string): Operation<void> => {
                const arrived = withResolvers<void>();
                if (seen.has(path)) arrived.resolve();
                else waiting.set(path, arrived.resolve);
                return arrived.operation;
              };
              const client = yield* useHttpClient({
                perHost: 1,
                retry: { maxRetryAfterMs: 10_000 },
              });
              const task = yield* enter(state, client, server.url, arrivedAt);
              // A pause of the test's choosing puts the halt anywhere in the state.
              if (haltAfterMs > 0) yield* sleep(haltAfterMs);
              const started = Date.now();
              yield* task.halt();
              return Date.now() - started;
            }),
          );
          expect(took, `${state}, halted after ${haltAfterMs} ms`).toBeLessThan(HALT_BOUND_MS);
        },
      ),
      // Every state once with the slowest trickle, then states, pauses and trickles at random.
      { numRuns: 24, examples: STATES.map((state) => [state, 0, 900] as [State, number, number]) },
    );
  }, 120_000);
});
