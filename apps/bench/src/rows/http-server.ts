import { count } from "../format.js";
import { collectGarbage, median, type Row, type RowOptions, type RowResult } from "../harness.js";
import { type ChildServer, type ChildServerKind, startChildServer } from "../http-child.js";
import { autocannonLoad } from "../http-load.js";
import { HTTP_NOTE } from "./http-note.js";

const CONCURRENCY = 64;
const BODY_BYTES = 2048;

const KINDS: ChildServerKind[] = [
  "raw",
  "raw-response",
  "skein",
  "skein-light",
  "skein-fixed",
  "hono",
  "fastify",
];

interface Samples {
  ms: number[];
  cpuMs: number[];
}

/**
 * Every server in its own child process, all started first; then `runs` rounds, each loading
 * every server in turn with N GETs, so that a burst of load from elsewhere on the machine hits
 * all of them alike. Each ratio is taken within a round (raw node:http's time over the
 * server's) and reported as the median and the range over the rounds.
 */
async function measureAll(n: number, runs: number): Promise<Map<ChildServerKind, Samples>> {
  const servers = new Map<ChildServerKind, ChildServer>();
  try {
    // Started together: each child spends a second or more compiling before it listens.
    const started = await Promise.allSettled(
      KINDS.map(async (kind) => servers.set(kind, await startChildServer(kind, BODY_BYTES))),
    );
    const failed = started.find((result) => result.status === "rejected");
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    for (const server of servers.values()) {
      await autocannonLoad(server.url, Math.ceil(n / 5), CONCURRENCY);
    }
    const samples = new Map<ChildServerKind, Samples>(
      KINDS.map((kind) => [kind, { ms: [], cpuMs: [] }]),
    );
    for (let round = 0; round < runs; round++) {
      for (const [kind, server] of servers) {
        collectGarbage();
        const cpuBefore = await server.cpuMs();
        const start = performance.now();
        await autocannonLoad(server.url, n, CONCURRENCY);
        samples.get(kind)!.ms.push(performance.now() - start);
        samples.get(kind)!.cpuMs.push((await server.cpuMs()) - cpuBefore);
      }
    }
    return samples;
  } finally {
    for (const server of servers.values()) await server.close();
  }
}

/**
 * Rows: N GETs (2 KB bodies, 64 connections, autocannon) answered by raw node:http (floor) and
 * by `useHttpServer` with a handler returning `new Response(bytes, { headers })`: with
 * `lightweightResponse: true` (the global `Response` replaced while the server runs, as
 * `@hono/node-server` does by default), without it, and with `fixedResponse(bytes)`; beside
 * `@hono/node-server` (its defaults, the same handler) and fastify, and raw node:http that also
 * builds the handler's `new Response(...)` and drops it (the web `Response`'s own cost). Labels
 * give each server's req/s as a ratio to raw node:http's, median and range over the rounds.
 */
export async function measureHttpServer({ n, runs }: RowOptions): Promise<RowResult[]> {
  const samples = await measureAll(n, runs);
  const raw = samples.get("raw")!;
  // req/s ratio, then the CPU time per request of raw node:http over the server's: on a
  // machine loaded by others, the CPU ratio moves far less than the wall-time one.
  const ratio = (kind: ChildServerKind) => {
    const ratios = samples.get(kind)!.ms.map((ms, round) => raw.ms[round]! / ms);
    const low = Math.min(...ratios).toFixed(2);
    const high = Math.max(...ratios).toFixed(2);
    const cpuRatio = (median(raw.cpuMs) / median(samples.get(kind)!.cpuMs)).toFixed(2);
    return `${median(ratios).toFixed(2)}x (${low}–${high}; CPU ${cpuRatio}x)`;
  };
  const ms = (kind: ChildServerKind) => median(samples.get(kind)!.ms);
  const cpu = (kind: ChildServerKind) => median(samples.get(kind)!.cpuMs);
  const floor = (value: number) => ({ value, note: HTTP_NOTE });
  const row = (label: string, skein: number, base: number, promise?: number): RowResult => ({
    label,
    unit: "ms",
    n,
    item: "request",
    figures: {
      floor: floor(base),
      skein: { value: skein },
      ...(promise === undefined ? {} : { promise: { value: promise } }),
    },
  });
  return [
    row(
      `HTTP server: ${count(n)} GETs, handler returns new Response(bytes); req/s as a ratio to raw node:http's, median (range) over interleaved rounds, and CPU per request: useHttpServer({ lightweightResponse: true }) at ${ratio("skein-light")}, @hono/node-server (Promise column) at ${ratio("hono")}, fastify at ${ratio("fastify")}`,
      ms("skein-light"),
      ms("raw"),
      ms("hono"),
    ),
    row(
      "HTTP server: CPU time of the server process, lightweightResponse (Promise column: @hono/node-server)",
      cpu("skein-light"),
      cpu("raw"),
      cpu("hono"),
    ),
    row(
      `HTTP server: the same without replacing the global Response, useHttpServer at ${ratio("skein")}; raw node:http that builds the same Response at ${ratio("raw-response")}`,
      ms("skein"),
      ms("raw"),
    ),
    row("HTTP server: CPU time of the server process, real Response", cpu("skein"), cpu("raw")),
    row(
      `HTTP server: the same with fixedResponse(bytes), useHttpServer at ${ratio("skein-fixed")}`,
      ms("skein-fixed"),
      ms("raw"),
    ),
    row(
      "HTTP server: CPU time of the server process, fixedResponse",
      cpu("skein-fixed"),
      cpu("raw"),
    ),
  ];
}

export const httpServerRow: Row = {
  id: "http-server",
  defaults: { n: 30_000, effectionN: 30_000, runs: 5 },
  measure: measureHttpServer,
};
