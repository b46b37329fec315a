import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import * as skein from "@skein/core";
import { type HttpClientOptions, useHttpClient } from "@skein/http";
import { Agent, type Dispatcher, interceptors, request } from "undici";
import { count } from "../format.js";
import type { Row, RowOptions, RowResult } from "../harness.js";
import { startChildServer } from "../http-child.js";
import { inFlight, timeWithCpu } from "../http-load.js";
import { HTTP_NOTE } from "./http-note.js";

const CONCURRENCY = 64;
const BODY_BYTES = 2048;

function viaSkein(url: string, n: number, options: HttpClientOptions = {}): Promise<void> {
  return skein.run(function* () {
    const client = yield* useHttpClient(options);
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

async function viaUndici(url: string, n: number, decompress = false): Promise<void> {
  const agent = new Agent();
  const dispatcher: Dispatcher = decompress ? agent.compose(interceptors.decompress()) : agent;
  try {
    await inFlight(n, CONCURRENCY, async () => {
      const response = await request(url, { dispatcher });
      await response.body.arrayBuffer();
    });
  } finally {
    await agent.close();
  }
}

/**
 * A server answering every request with the same gzip body (`bytes` of JSON-like text before
 * compression) in a child process of its own, so that its CPU is not the client's.
 */
const GZIP_SERVER = `
const { createServer } = require("node:http");
const { gzipSync } = require("node:zlib");
const line = '{"id":1,"name":"item","tags":["a","b","c"],"ok":true}\\n';
const text = line.repeat(Math.ceil(Number(process.argv[1]) / line.length)).slice(0, Number(process.argv[1]));
const body = gzipSync(text);
const server = createServer((request, response) => {
  response.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip", "content-length": body.length });
  response.end(body);
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
process.stdin.on("end", () => { server.closeAllConnections(); server.close(); });
process.stdin.resume();
`;

async function startGzipServer(bytes: number): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(process.execPath, ["-e", GZIP_SERVER, String(bytes)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = once(child, "exit");
  const lines = createInterface({ input: child.stdout });
  const [line] = (await once(lines, "line")) as [string];
  const { port } = JSON.parse(line) as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}

function viaFetch(url: string, n: number): Promise<void> {
  return inFlight(n, CONCURRENCY, async () => {
    const response = await fetch(url);
    await response.arrayBuffer();
  });
}

/**
 * Rows: N GETs through the `@skein/http` client against undici.request (floor) and fetch
 * (Promise) from a raw node:http server in a child process: wall time, then client CPU time;
 * the client again with `decompress: false`; then the three decoding gzip bodies.
 */
export async function measureHttpClient(options: RowOptions): Promise<RowResult[]> {
  return [...(await measurePlain(options)), ...(await measureGzip(options))];
}

async function measurePlain({ n, runs }: RowOptions): Promise<RowResult[]> {
  const server = await startChildServer("raw", BODY_BYTES);
  try {
    const undici = await timeWithCpu(() => viaUndici(server.url, n), runs);
    const fetched = await timeWithCpu(() => viaFetch(server.url, n), runs);
    const client = await timeWithCpu(() => viaSkein(server.url, n), runs);
    const plain = await timeWithCpu(() => viaSkein(server.url, n, { decompress: false }), runs);
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
      {
        label: `HTTP client, decompress: false (no accept-encoding): @skein/http at ${(undici.ms / plain.ms).toFixed(2)}x undici.request req/s; ${(plain.ms / client.ms).toFixed(2)}x the time of the default (decompression on)`,
        unit: "ms",
        n,
        item: "request",
        figures: {
          floor: { value: undici.ms, note: HTTP_NOTE },
          skein: { value: plain.ms },
        },
      },
      {
        label: "HTTP client, decompress: false: CPU time of the client process",
        unit: "ms",
        n,
        item: "request",
        figures: {
          floor: { value: undici.cpuMs, note: HTTP_NOTE },
          skein: { value: plain.cpuMs },
        },
      },
    ];
  } finally {
    await server.close();
  }
}

/** The same GETs of a gzip body (2 KiB decoded): each client decodes it. */
async function measureGzip({ n, runs }: RowOptions): Promise<RowResult[]> {
  const server = await startGzipServer(BODY_BYTES);
  try {
    const undici = await timeWithCpu(() => viaUndici(server.url, n, true), runs);
    const fetched = await timeWithCpu(() => viaFetch(server.url, n), runs);
    const client = await timeWithCpu(() => viaSkein(server.url, n), runs);
    return [
      {
        label: `HTTP client, gzip bodies decoded: @skein/http at ${(undici.ms / client.ms).toFixed(2)}x undici.request with interceptors.decompress() req/s and ${(fetched.ms / client.ms).toFixed(2)}x fetch`,
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
        label: "HTTP client, gzip bodies decoded: CPU time of the client process",
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
