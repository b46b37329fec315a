import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import {
  action,
  type Operation,
  resource,
  type Stream,
  scoped,
  sleep,
  spawn,
  timeout,
  withResolvers,
} from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { failure, useTestServer, withoutLeaks } from "../test/servers.js";
import { useHttpClient } from "./client.js";
import { ConnectError, RequestBodyError } from "./errors.js";

const MIB = 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;

/** What the producer of an upload did: bytes handed out, their hash, and whether it cleaned up. */
interface Production {
  produced: number;
  hash: ReturnType<typeof createHash>;
  cleaned: boolean;
}

function production(): Production {
  return { produced: 0, hash: createHash("sha256"), cleaned: false };
}

/** Chunk `index` of a deterministic byte sequence: every byte differs from its neighbours. */
function chunkAt(index: number, bytes = CHUNK_BYTES): Uint8Array {
  const chunk = Buffer.allocUnsafe(bytes);
  for (let i = 0; i < bytes; i++) chunk[i] = (index * 131 + i * 7 + (i >> 8)) & 0xff;
  return chunk;
}

/** A Skein stream of `total` bytes (Infinity: endless) that records what it produced. */
function skeinSource(total: number, state: Production): Stream<Uint8Array, void> {
  return resource(function* (provide) {
    let index = 0;
    try {
      yield* provide({
        *next() {
          if (state.produced >= total) return { done: true, value: undefined };
          const chunk = chunkAt(index++);
          state.produced += chunk.byteLength;
          state.hash.update(chunk);
          return { done: false, value: chunk };
        },
      });
    } finally {
      state.cleaned = true;
    }
  });
}

/** The same bytes from an async generator. */
async function* iterableSource(total: number, state: Production): AsyncGenerator<Uint8Array> {
  let index = 0;
  try {
    while (state.produced < total) {
      const chunk = chunkAt(index++);
      state.produced += chunk.byteLength;
      state.hash.update(chunk);
      yield chunk;
    }
  } finally {
    state.cleaned = true;
  }
}

/** The same bytes from a Node Readable, whose `_destroy` counts as its cleanup. */
function readableSource(total: number, state: Production): Readable {
  let index = 0;
  return new Readable({
    read() {
      if (state.produced >= total) {
        this.push(null);
        return;
      }
      const chunk = chunkAt(index++);
      state.produced += chunk.byteLength;
      state.hash.update(chunk);
      this.push(chunk);
    },
    destroy(error, callback) {
      state.cleaned = true;
      callback(error);
    },
  });
}

/** The same bytes from a web ReadableStream, whose `cancel` counts as its cleanup. */
function webSource(total: number, state: Production): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (state.produced >= total) {
          controller.close();
          return;
        }
        const chunk = chunkAt(index++);
        state.produced += chunk.byteLength;
        state.hash.update(chunk);
        controller.enqueue(chunk);
      },
      cancel() {
        state.cleaned = true;
      },
    },
    { highWaterMark: 0 },
  );
}

const SOURCES = {
  "a Skein stream": skeinSource,
  "an async iterable": iterableSource,
  "a Node Readable": readableSource,
  "a web ReadableStream": webSource,
};

interface Received {
  bytes: number;
  sha256: string;
  chunked: boolean;
}

/** A server that hashes every request body and answers with what it got. */
function* useHashingServer() {
  return yield* useTestServer((request, response) => {
    const hash = createHash("sha256");
    let bytes = 0;
    request.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    request.on("end", () => {
      const received: Received = {
        bytes,
        sha256: hash.digest("hex"),
        chunked: request.headers["transfer-encoding"] === "chunked",
      };
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify(received));
    });
  });
}

/** A server that takes requests and reads none of their bodies until `release()`. */
function* useStalledServer() {
  const arrived: IncomingMessage[] = [];
  const sockets: Socket[] = [];
  const first = withResolvers<IncomingMessage>();
  let received = 0;
  const server = yield* useTestServer((request, response) => {
    arrived.push(request);
    sockets.push(request.socket);
    first.resolve(request);
    request.pause();
    request.on("data", (chunk: Buffer) => {
      received += chunk.length;
    });
    request.on("end", () => response.end("done"));
  });
  return {
    url: server.url,
    server,
    arrived: first.operation,
    sockets,
    received: () => received,
    release: () => {
      for (const request of arrived) request.resume();
    },
  };
}

/** Wait until `value()` has not changed for `quietMs`. */
function* settle(value: () => number, quietMs = 150): Operation<number> {
  let last = value();
  for (;;) {
    yield* sleep(quietMs);
    const now = value();
    if (now === last) return now;
    last = now;
  }
}

/** The TCP sockets and servers of this process. */
function sockets(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind.startsWith("TCP")).length;
}

/** Wait (checking every event-loop turn) until `ready()`; returns the time it held. */
function* until(ready: () => boolean): Operation<number> {
  while (!ready()) {
    yield* action<void>((resolve) => {
      const id = setImmediate(resolve);
      return () => clearImmediate(id);
    });
  }
  return performance.now();
}

/** Resolves when `socket` has closed; with the time it closed at. */
function closedAt(socket: Socket): Operation<number> {
  return action<number>((resolve) => {
    if (socket.destroyed) resolve(performance.now());
    else socket.once("close", () => resolve(performance.now()));
    return () => {};
  });
}

describe("useHttpClient() with a streamed request body", () => {
  for (const [name, source] of Object.entries(SOURCES)) {
    it(`sends 32 MiB from ${name} byte-exact, chunked, with the source cleaned up`, function* () {
      yield* withoutLeaks(function* () {
        const server = yield* useHashingServer();
        const client = yield* useHttpClient();
        const state = production();
        const received = yield* client.json<Received>(server.url, {
          method: "PUT",
          body: source(32 * MIB, state),
        });
        expect(received).toEqual({
          bytes: 32 * MIB,
          sha256: state.hash.digest("hex"),
          chunked: true,
        });
        expect(state.produced).toBe(32 * MIB);
      });
    }, 20_000);
  }

  it("sends a content-length when given one instead of chunked encoding", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useHashingServer();
      const client = yield* useHttpClient();
      const state = production();
      const received = yield* client.json<Received>(server.url, {
        method: "POST",
        headers: { "content-length": String(4 * MIB) },
        body: skeinSource(4 * MIB, state),
      });
      expect(received).toEqual({
        bytes: 4 * MIB,
        sha256: state.hash.digest("hex"),
        chunked: false,
      });
    });
  });

  for (const [name, source] of Object.entries(SOURCES)) {
    it(`pulls from ${name} no faster than the server reads`, function* () {
      yield* withoutLeaks(function* () {
        const server = yield* useStalledServer();
        const client = yield* useHttpClient();
        const state = production();
        const upload = yield* spawn(() =>
          client.text(server.url, { method: "POST", body: source(256 * MIB, state) }),
        );
        yield* server.arrived;
        // The server reads nothing: the producer stops once the socket's buffers are full.
        const stalled = yield* settle(() => state.produced);
        expect(server.received()).toBeLessThan(MIB);
        expect(stalled).toBeLessThan(16 * MIB);
        expect(stalled).toBeGreaterThan(0);
        server.release();
        expect(yield* upload).toBe("done");
        expect(server.received()).toBe(256 * MIB);
        expect(state.produced).toBe(256 * MIB);
      });
    }, 30_000);
  }

  for (const [name, source] of Object.entries(SOURCES)) {
    it(`halted mid-upload, closes the socket and cleans up ${name}`, function* () {
      yield* withoutLeaks(function* () {
        const server = yield* useStalledServer();
        const client = yield* useHttpClient();
        const state = production();
        const upload = yield* spawn(() =>
          client.post(server.url, { body: source(Infinity, state) }),
        );
        yield* server.arrived;
        yield* settle(() => state.produced);
        // Both ends of the connection, and the server's listener.
        const open = sockets();
        yield* upload.halt();
        expect(state.cleaned).toBe(true);
        // The client's end closes; the server's stays open while it reads nothing.
        // The server reads nothing and never closes: only the client can. The bound tells a hang
        // from a close; latency under load is the bench's business.
        yield* timeout(
          5_000,
          until(() => sockets() < open),
        );
        // The server's end sees the connection go once it reads again.
        server.release();
        yield* closedAt(server.sockets[0]!);
        const produced = state.produced;
        yield* sleep(50);
        expect(state.produced).toBe(produced);
      });
    });
  }

  it("leaves no socket or timer behind after a series of uploads", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useHashingServer();
      const client = yield* useHttpClient({ timeouts: { total: 5000 } });
      for (let i = 0; i < 3; i++) {
        yield* client.json(server.url, { method: "PUT", body: skeinSource(MIB, production()) });
      }
    });
  });

  it("fails with RequestBodyError when the source throws, and the server sees the abort", function* () {
    yield* withoutLeaks(function* () {
      const aborted = withResolvers<void>();
      const server = yield* useTestServer((request) => {
        request.resume();
        request.on("error", () => aborted.resolve());
        request.on("aborted", () => aborted.resolve());
      });
      const client = yield* useHttpClient();
      const broken: Stream<Uint8Array, void> = resource(function* (provide) {
        let sent = 0;
        yield* provide({
          *next() {
            if (sent++ < 3) return { done: false, value: chunkAt(sent) };
            throw new Error("the disk went away");
          },
        });
      });
      const error = yield* failure(client.post(server.url, { body: broken }));
      expect(error).toBeInstanceOf(RequestBodyError);
      expect((error as RequestBodyError).code).toBe("request-body");
      expect(((error as RequestBodyError).cause as Error).message).toBe("the disk went away");
      yield* aborted.operation;

      async function* throwing() {
        yield chunkAt(0);
        throw new Error("generator failed");
      }
      const fromIterable = yield* failure(client.post(server.url, { body: throwing() }));
      expect(fromIterable).toBeInstanceOf(RequestBodyError);
      expect(((fromIterable as RequestBodyError).cause as Error).message).toBe("generator failed");

      async function* wrongType(): AsyncGenerator<Uint8Array> {
        yield chunkAt(1);
        yield 42 as unknown as Uint8Array;
      }
      const notBytes = yield* failure(client.post(server.url, { body: wrongType() }));
      expect(notBytes).toBeInstanceOf(RequestBodyError);
      expect((notBytes as RequestBodyError).cause).toBeInstanceOf(TypeError);
    });
  });

  it("fails with RequestBodyError, not a crash, when a file stream cannot open", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer((request) => request.resume());
      const client = yield* useHttpClient();
      const missing = join(tmpdir(), `skein-missing-${process.pid}-${Date.now()}.log`);
      const error = yield* failure(client.put(server.url, { body: createReadStream(missing) }));
      expect(error).toBeInstanceOf(RequestBodyError);
      expect(((error as RequestBodyError).cause as NodeJS.ErrnoException).code).toBe("ENOENT");

      // Nothing is pulled when the connection fails: the stream's open error must not crash.
      const refused = yield* failure(
        client.put("http://127.0.0.1:1/", { body: createReadStream(missing), retry: false }),
      );
      expect(refused).toBeInstanceOf(ConnectError);
    });
  });

  it("fails with RequestBodyError when the body is shorter than its content-length", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer((request) => request.resume());
      const client = yield* useHttpClient();
      const error = yield* failure(
        client.post(server.url, {
          headers: { "content-length": "1000000" },
          body: skeinSource(CHUNK_BYTES, production()),
        }),
      );
      expect(error).toBeInstanceOf(RequestBodyError);
    });
  });

  it("does not send a streamed body twice: a retryable status is returned as it is", function* () {
    yield* withoutLeaks(function* () {
      let requests = 0;
      const server = yield* useTestServer((request, response) => {
        requests++;
        request.resume();
        request.on("end", () => {
          response.writeHead(503, { "retry-after": "0" });
          response.end("busy");
        });
      });
      const client = yield* useHttpClient({ retry: { methods: ["PUT"], baseDelayMs: 1 } });
      const state = production();
      const response = yield* client.request(server.url, {
        method: "PUT",
        body: skeinSource(MIB, state),
      });
      expect(response.status).toBe(503);
      expect(requests).toBe(1);
      expect(state.produced).toBe(MIB);
      // A body of bytes is sent again as usual.
      const bytes = yield* client.request(server.url, { method: "PUT", body: chunkAt(0) });
      expect(bytes.status).toBe(503);
      expect(requests).toBe(4);
    });
  });

  it("retries a connection failure when nothing was pulled from the streamed body", function* () {
    yield* withoutLeaks(function* () {
      const closed = withResolvers<string>();
      yield* scoped(function* () {
        const server = yield* useTestServer((_, response) => response.end());
        closed.resolve(server.url);
      });
      const url = yield* closed.operation;
      let opened = 0;
      const source: AsyncIterable<Uint8Array> = {
        [Symbol.asyncIterator]() {
          opened++;
          return iterableSource(MIB, production());
        },
      };
      const client = yield* useHttpClient({ retry: { methods: ["POST"], baseDelayMs: 1 } });
      const started = Date.now();
      const error = yield* failure(client.post(url, { body: source }));
      expect(error).toBeInstanceOf(ConnectError);
      expect(opened).toBe(0);
      expect(Date.now() - started).toBeLessThan(2000);
    });
  });

  it("keeps a slow upload alive past the headers timeout while chunks keep coming", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useHashingServer();
      const client = yield* useHttpClient({ timeouts: { headers: 150 } });
      const state = production();
      const slow: Stream<Uint8Array, void> = resource(function* (provide) {
        let sent = 0;
        yield* provide({
          *next() {
            if (sent === 8) return { done: true, value: undefined };
            yield* sleep(50);
            const chunk = chunkAt(sent++, 1024);
            state.hash.update(chunk);
            return { done: false, value: chunk };
          },
        });
      });
      const received = yield* client.json<Received>(server.url, { method: "POST", body: slow });
      expect(received.bytes).toBe(8 * 1024);
      expect(received.sha256).toBe(state.hash.digest("hex"));
    });
  });
});
