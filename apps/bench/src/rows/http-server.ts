import { Pool, request } from "undici";
import { count } from "../format.js";
import type { Row, RowOptions, RowResult } from "../harness.js";
import { startChildServer } from "../http-child.js";
import { inFlight, type TimeAndCpu, timeWithCpu } from "../http-load.js";
import { HTTP_NOTE } from "./http-note.js";

const CONCURRENCY = 64;
const BODY_BYTES = 2048;

async function underLoad(kind: "raw" | "skein", n: number, runs: number): Promise<TimeAndCpu> {
  const server = await startChildServer(kind, BODY_BYTES);
  const dispatcher = new Pool(server.url, { connections: CONCURRENCY });
  try {
    const load = () =>
      inFlight(n, CONCURRENCY, async () => {
        const response = await request(server.url, { dispatcher });
        await response.body.arrayBuffer();
      });
    return await timeWithCpu(load, runs, () => server.cpuMs());
  } finally {
    await dispatcher.close();
    await server.close();
  }
}

/**
 * Rows: N GETs answered by `useHttpServer` (a task, a web `Request` and a web `Response` per
 * request) against a raw node:http handler (floor), each in a child process loaded by an undici
 * pool in this one: wall time, then the server process's CPU time.
 */
export async function measureHttpServer({ n, runs }: RowOptions): Promise<RowResult[]> {
  const raw = await underLoad("raw", n, runs);
  const served = await underLoad("skein", n, runs);
  const throughput = (raw.ms / served.ms).toFixed(2);
  return [
    {
      label: `HTTP server: ${count(n)} GETs answered, useHttpServer at ${throughput}x raw node:http req/s (floor = raw node:http)`,
      unit: "ms",
      n,
      item: "request",
      figures: { floor: { value: raw.ms, note: HTTP_NOTE }, skein: { value: served.ms } },
    },
    {
      label: "HTTP server: CPU time of the server process",
      unit: "ms",
      n,
      item: "request",
      figures: { floor: { value: raw.cpuMs, note: HTTP_NOTE }, skein: { value: served.cpuMs } },
    },
  ];
}

export const httpServerRow: Row = {
  id: "http-server",
  defaults: { n: 10_000, effectionN: 10_000, runs: 3 },
  measure: measureHttpServer,
};
