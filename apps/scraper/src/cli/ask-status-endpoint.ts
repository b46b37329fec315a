import { createConnection } from "node:net";
import { action, moveOnAfter, type Operation } from "@skein/core";
import { CrawlNotFoundError } from "../store/crawl-not-found-error.js";
import type { CrawlSummary } from "../store/crawl-store.js";
import { statusSocketPath } from "./status-endpoint.js";

/** What the process holding a data directory said about one of its crawls. */
export interface RemoteStatus {
  /** The process that answered. */
  pid: number;
  summary: CrawlSummary;
}

/** The whole reply on the socket, or undefined when nobody listens there. */
function exchange(path: string, request: string): Operation<string | undefined> {
  return action<string | undefined>((done, fail) => {
    const socket = createConnection(path);
    let text = "";
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(request));
    socket.on("data", (chunk: string) => {
      text += chunk;
    });
    socket.once("end", () => done(text));
    socket.once("error", (error: NodeJS.ErrnoException) => {
      // No socket, or one left behind by a process that is gone.
      if (error.code === "ENOENT" || error.code === "ECONNREFUSED") done(undefined);
      else fail(error);
    });
    return () => socket.destroy();
  });
}

/**
 * Internal to the CLI. Ask the process that holds the embedded data directory `dataDir` (a
 * crawl running on it, see `useStatusEndpoint()`) for the summary of crawl `crawl`. Returns
 * undefined when no process answers there within 10 s.
 *
 * @param dataDir - the PGlite data directory
 * @param crawl - the crawl's name
 * @returns the summary and the pid of the process that gave it
 * @throws CrawlNotFoundError when there is no such crawl in the directory
 */
export function* askStatusEndpoint(
  dataDir: string,
  crawl: string,
): Operation<RemoteStatus | undefined> {
  const request = `${JSON.stringify({ crawl })}\n`;
  const result = yield* moveOnAfter(10_000, exchange(statusSocketPath(dataDir), request));
  if (result.timedOut || result.value === undefined || result.value === "") return undefined;
  const reply = JSON.parse(result.value) as {
    pid?: number;
    summary?: CrawlSummary & { createdAt: string; finishedAt: string | null };
    error?: { code: string; message: string };
  };
  if (reply.error !== undefined) {
    if (reply.error.code === "crawl-not-found") throw new CrawlNotFoundError(crawl);
    throw new Error(reply.error.message);
  }
  const summary = reply.summary!;
  return {
    pid: reply.pid ?? 0,
    summary: {
      ...summary,
      createdAt: new Date(summary.createdAt),
      finishedAt: summary.finishedAt === null ? null : new Date(summary.finishedAt),
    },
  };
}
