import { count } from "../format.js";
import type { Row, RowOptions, RowResult } from "../harness.js";
import { type ChildServerKind, startChildServer } from "../http-child.js";
import { autocannonLoad, type TimeAndCpu, timeWithCpu } from "../http-load.js";
import { HTTP_NOTE } from "./http-note.js";

const CONCURRENCY = 64;
const BODY_BYTES = 2048;

async function underLoad(kind: ChildServerKind, n: number, runs: number): Promise<TimeAndCpu> {
  const server = await startChildServer(kind, BODY_BYTES);
  try {
    const load = () => autocannonLoad(server.url, n, CONCURRENCY);
    return await timeWithCpu(load, runs, () => server.cpuMs());
  } finally {
    await server.close();
  }
}

/**
 * Rows: N GETs answered by `useHttpServer` (a task, a web `Request` and a web `Response` per
 * request) against a raw node:http handler (floor), each in a child process loaded by
 * autocannon in this one: wall time, then the server process's CPU time; then the same for a
 * handler returning `fixedResponse(bytes)`. The first label also gives the throughput of a raw
 * handler that builds the same `new Response(bytes, { headers })` as the Skein handler before
 * writing the bytes itself: the part of the gap that is the web `Response` alone.
 */
export async function measureHttpServer({ n, runs }: RowOptions): Promise<RowResult[]> {
  const raw = await underLoad("raw", n, runs);
  const withResponse = await underLoad("raw-response", n, runs);
  const served = await underLoad("skein", n, runs);
  const fixed = await underLoad("skein-fixed", n, runs);
  const ratio = (time: TimeAndCpu) => (raw.ms / time.ms).toFixed(2);
  const floor = (value: number) => ({ value, note: HTTP_NOTE });
  return [
    {
      label: `HTTP server: ${count(n)} GETs answered, useHttpServer at ${ratio(served)}x raw node:http req/s with a handler returning new Response(bytes); raw node:http that builds the same Response at ${ratio(withResponse)}x (floor = raw node:http)`,
      unit: "ms",
      n,
      item: "request",
      figures: { floor: floor(raw.ms), skein: { value: served.ms } },
    },
    {
      label: "HTTP server: CPU time of the server process",
      unit: "ms",
      n,
      item: "request",
      figures: { floor: floor(raw.cpuMs), skein: { value: served.cpuMs } },
    },
    {
      label: `HTTP server: the same with fixedResponse(bytes), useHttpServer at ${ratio(fixed)}x raw node:http req/s`,
      unit: "ms",
      n,
      item: "request",
      figures: { floor: floor(raw.ms), skein: { value: fixed.ms } },
    },
    {
      label: "HTTP server: CPU time of the server process, fixedResponse",
      unit: "ms",
      n,
      item: "request",
      figures: { floor: floor(raw.cpuMs), skein: { value: fixed.cpuMs } },
    },
  ];
}

export const httpServerRow: Row = {
  id: "http-server",
  defaults: { n: 30_000, effectionN: 30_000, runs: 5 },
  measure: measureHttpServer,
};
