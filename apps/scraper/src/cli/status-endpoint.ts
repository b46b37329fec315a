import { createHash } from "node:crypto";
import { unlinkSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  action,
  moveOnAfter,
  type Operation,
  resource,
  useScope,
  withResolvers,
} from "@skein/core";
import type { CrawlStore } from "../store/crawl-store.js";

/** The longest socket path used beside the data directory (the system limit is about 107 bytes). */
const MAX_PATH = 100;
/** The longest request line read: a crawl name and some JSON. */
const MAX_REQUEST = 4096;

/**
 * Internal to the CLI. The Unix socket through which the process holding an embedded data
 * directory answers `status` for the crawls in it: `<dir>.skein-status.sock`, or one in the
 * temporary directory named by a hash of the data directory when that path is too long.
 *
 * @param dataDir - the PGlite data directory
 * @returns the socket's path
 */
export function statusSocketPath(dataDir: string): string {
  const dir = resolve(dataDir);
  const beside = `${dir}.skein-status.sock`;
  if (Buffer.byteLength(beside) <= MAX_PATH) return beside;
  const hash = createHash("sha256").update(dir).digest("hex").slice(0, 16);
  return join(tmpdir(), `skein-scrape-${hash}.sock`);
}

/** One request read from `socket`: a JSON line, or undefined if the socket ended first. */
function readLine(socket: Socket): Operation<string | undefined> {
  return action<string | undefined>((done) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      text += chunk.toString("utf8");
      const end = text.indexOf("\n");
      if (end >= 0) done(text.slice(0, end));
      else if (text.length > MAX_REQUEST) done(undefined);
    };
    const onEnd = () => done(undefined);
    socket.on("data", onData);
    socket.once("end", onEnd);
    socket.once("close", onEnd);
    return () => {
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("close", onEnd);
    };
  });
}

function* answer(store: CrawlStore, socket: Socket): Operation<void> {
  let reply: unknown;
  try {
    // A client that sends nothing is not waited for long.
    const read = yield* moveOnAfter(5000, readLine(socket));
    const line = read.timedOut ? undefined : read.value;
    if (line === undefined) {
      socket.destroy();
      return;
    }
    const request = JSON.parse(line) as { crawl?: unknown };
    if (typeof request.crawl !== "string") throw new TypeError("the request names no crawl");
    const record = yield* store.find(request.crawl);
    reply = { pid: process.pid, summary: yield* store.summary(record.id) };
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    reply = {
      error: { code: typeof code === "string" ? code : "error", message: String(message) },
    };
  }
  const sent = withResolvers<void>();
  socket.end(`${JSON.stringify(reply)}\n`, () => sent.resolve());
  yield* sent.operation;
}

/**
 * Internal to the CLI. While the current scope lives, answer `status` requests for the crawls
 * in `store` on {@link statusSocketPath}: this process holds the embedded data directory, so a
 * `status` run beside it asks here instead of opening the directory. The socket is removed when
 * the scope ends; a socket file left by a process that died is replaced (the caller holds the
 * directory's lock, so no live process can own it). Where the socket cannot be made, there is
 * no endpoint and `status` reports the lock as before.
 *
 * @param store - the open store of the data directory
 * @param dataDir - the PGlite data directory
 * @returns the socket's path, or undefined when there is none
 */
export function useStatusEndpoint(
  store: CrawlStore,
  dataDir: string,
): Operation<string | undefined> {
  return resource<string | undefined>(function* (provide) {
    const path = statusSocketPath(dataDir);
    const scope = yield* useScope();
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      socket.on("error", () => {});
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
      try {
        scope.run(() => answer(store, socket));
      } catch {
        // The scope has ended: the endpoint is going away with it.
        socket.destroy();
      }
    });
    try {
      unlinkSync(path);
    } catch {
      // None there, or not ours to remove (listening then fails, and there is no endpoint).
    }
    const listening = yield* action<boolean>((done) => {
      const failed = () => done(false);
      server.once("error", failed);
      server.listen(path, () => done(true));
      return () => server.off("error", failed);
    });
    if (!listening) {
      yield* provide(undefined);
      return;
    }
    try {
      yield* provide(path);
    } finally {
      const closed = withResolvers<void>();
      server.close(() => closed.resolve());
      for (const socket of sockets) socket.destroy();
      yield* closed.operation;
      try {
        unlinkSync(path);
      } catch {
        // Node removed it already.
      }
    }
  });
}
