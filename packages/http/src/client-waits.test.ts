import { inspect, spawn, withResolvers } from "@skein/core";
import { describe, findTask, it, taskNodes, waitAllTasksBlocked } from "@skein/core/test";
import { expect } from "vitest";
import { useRawServer } from "../test/raw-servers.js";
import { useHttpClient } from "./client.js";

describe("what a task waiting on the HTTP client says it waits on", () => {
  it("names the method, the URL and the phase: connecting, headers, body", function* () {
    const arrived = withResolvers<void>();
    const server = yield* useRawServer((socket, request) => {
      if (request.startsWith("GET /body ")) {
        socket.write("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\nx\r\n");
      }
      arrived.resolve();
    });
    const headers = withResolvers<void>();
    const client = yield* useHttpClient({
      perHost: 1,
      hooks: {
        onResponse() {
          headers.resolve();
        },
      },
    });
    yield* spawn(() => client.text(`${server.url}/body`), { name: "reader" });
    yield* headers.operation;
    yield* waitAllTasksBlocked();
    expect(findTask(inspect(), "reader")!.waitingOn).toBe(`GET ${server.url}/body (body)`);

    const other = yield* useHttpClient({ perHost: 1 });
    const second = withResolvers<void>();
    yield* spawn(
      function* () {
        yield* other.get(`${server.url}/hold`);
      },
      { name: "first" },
    );
    yield* arrived.operation;
    yield* spawn(
      function* () {
        second.resolve();
        yield* other.get(`${server.url}/next`);
      },
      { name: "second" },
    );
    yield* second.operation;
    yield* waitAllTasksBlocked();
    const tree = inspect();
    // client.get() runs the request in a resource named after it.
    const first = findTask(tree, "first")!;
    expect(first.children.map((c) => c.name)).toEqual([`GET ${server.url}/hold`]);
    expect(first.children[0]!.waitingOn).toBe(`GET ${server.url}/hold (headers)`);
    // One socket per host: the second request has none yet.
    const waiting = findTask(tree, "second")?.children[0];
    expect(waiting?.waitingOn).toBe(`GET ${server.url}/next (connecting)`);
  });

  it("says a request is queued behind the client's connections limit", function* () {
    const arrived = withResolvers<void>();
    const server = yield* useRawServer(() => arrived.resolve());
    const client = yield* useHttpClient({ connections: 1 });
    yield* spawn(() => client.text(`${server.url}/a`), { name: "a" });
    yield* arrived.operation;
    yield* spawn(() => client.text(`${server.url}/b`), { name: "b" });
    yield* waitAllTasksBlocked();
    const tree = inspect();
    expect(findTask(tree, "a")!.waitingOn).toBe(`GET ${server.url}/a (headers)`);
    expect(findTask(tree, "b")!.waitingOn).toBe(
      `GET ${server.url}/b (queued): semaphore (1 of 1 held, 1 waiting)`,
    );
  });

  it("leaves no task of the client unnamed", function* () {
    const arrived = withResolvers<void>();
    const server = yield* useRawServer(() => arrived.resolve());
    yield* spawn(
      function* () {
        const client = yield* useHttpClient({ connections: 2 });
        yield* client.get(`${server.url}/x`);
      },
      { name: "user" },
    );
    yield* arrived.operation;
    yield* waitAllTasksBlocked();
    const names = taskNodes(findTask(inspect(), "user")!).map((node) => node.name);
    expect(names).toEqual(["user", "http client", `GET ${server.url}/x`, "semaphore permit"]);
  });
});
