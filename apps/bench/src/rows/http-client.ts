import * as skein from "@skein/core";
import { useHttpClient } from "@skein/http";
import { Agent, request } from "undici";
import { count } from "../format.js";
import type { Row, RowOptions, RowResult } from "../harness.js";
import { startChildServer } from "../http-child.js";
import { inFlight, timeWithCpu } from "../http-load.js";
import { HTTP_NOTE } from "./http-note.js";

const CONCURRENCY = 64;
const BODY_BYTES = 2048;

function viaSkein(url: string, n: number): Promise<void> {
  return skein.run(function* () {
    const client = yield* useHttpClient();
    let started = 0;
    function* loop() {
      while (started < n) {
        started++;
        yield* client.bytes(url);
      }
    }
    const workers: skein.Task<void>[] = [];
    for (let i = 0; i < Math.min(CONCURRENCY, n); i++) workers.push(yield* skein.spawn(loop));
    for (const worker of workers) yield* worker;
  });
}

async function viaUndici(url: string, n: number): Promise<void> {
  const dispatcher = new Agent();
  try {
    await inFlight(n, CONCURRENCY, async () => {
      const response = await request(url, { dispatcher });
      await response.body.arrayBuffer();
    });
  } finally {
    await dispatcher.close();
  }
}

function viaFetch(url: string, n: number): Promise<void> {
  return inFlight(n, CONCURRENCY, async () => {
    const response = await fetch(url);
    await response.arrayBuffer();
  });
}

/**
 * Rows: N GETs through the `@skein/http` client against undici.request (floor) and fetch
 * (Promise) from a raw node:http server in a child process: wall time, then client CPU time.
 */
export async function measureHttpClient({ n, runs }: RowOptions): Promise<RowResult[]> {
  const server = await startChildServer("raw", BODY_BYTES);
  try {
    const undici = await timeWithCpu(() => viaUndici(server.url, n), runs);
    const fetched = await timeWithCpu(() => viaFetch(server.url, n), runs);
    const client = await timeWithCpu(() => viaSkein(server.url, n), runs);
    const vsUndici = (undici.ms / client.ms).toFixed(2);
    const vsFetch = (fetched.ms / client.ms).toFixed(2);
    return [
      {
        label: `HTTP client: ${count(n)} GETs, @skein/http at ${vsUndici}x undici.request req/s and ${vsFetch}x fetch (floor = undici.request, Promise = fetch)`,
        unit: "ms",
        n,
        item: "request",
        figures: {
          floor: { value: undici.ms, note: HTTP_NOTE },
          promise: { value: fetched.ms },
          skein: { value: client.ms },
        },
      },
      {
        label: "HTTP client: CPU time of the client process",
        unit: "ms",
        n,
        item: "request",
        figures: {
          floor: { value: undici.cpuMs, note: HTTP_NOTE },
          promise: { value: fetched.cpuMs },
          skein: { value: client.cpuMs },
        },
      },
    ];
  } finally {
    await server.close();
  }
}

export const httpClientRow: Row = {
  id: "http-client",
  defaults: { n: 10_000, effectionN: 10_000, runs: 3 },
  measure: measureHttpClient,
};
