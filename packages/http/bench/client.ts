import { run, spawn } from "@skein/core";
import { useHttpClient } from "@skein/http";
import { Agent, request } from "undici";
import { type LoadOptions, listen, measure, resolveLoad } from "./fixtures.js";

async function withBodyServer<T>(bodyBytes: number, body: (url: string) => Promise<T>): Promise<T> {
  const payload = Buffer.alloc(bodyBytes, 97);
  const server = await listen((_, response) => {
    response.setHeader("content-type", "application/octet-stream");
    response.end(payload);
  });
  try {
    return await body(server.url);
  } finally {
    await server.close();
  }
}

/**
 * Requests per second through a `@skein/http` client (`client.bytes`) against a loopback
 * node:http server answering a fixed body.
 *
 * @example
 * ```ts
 * import { clientThroughputSkein } from "./client.js";
 *
 * console.log(await clientThroughputSkein({ concurrency: 64 }));
 * ```
 *
 * @param options - concurrency, duration and body size
 * @returns completed requests per second
 */
export function clientThroughputSkein(options?: LoadOptions): Promise<number> {
  const { concurrency, durationMs, bodyBytes } = resolveLoad(options);
  return withBodyServer(bodyBytes, (url) =>
    run(function* () {
      const client = yield* useHttpClient();
      const warmUntil = Date.now() + durationMs / 4;
      let startedAt = 0;
      let stopAt = Infinity;
      let count = 0;
      function* loop() {
        for (;;) {
          const now = Date.now();
          if (now >= stopAt) return;
          if (startedAt === 0 && now >= warmUntil) {
            startedAt = now;
            stopAt = now + durationMs;
            count = 0;
          }
          yield* client.bytes(url);
          if (startedAt !== 0) count++;
        }
      }
      const workers = [];
      for (let i = 0; i < concurrency; i++) workers.push(yield* spawn(loop));
      for (const worker of workers) yield* worker;
      return (count / (Date.now() - startedAt)) * 1000;
    }),
  );
}

/**
 * Requests per second through raw `undici.request` (its own `Agent`), for comparison.
 *
 * @example
 * ```ts
 * import { clientThroughputUndici } from "./client.js";
 *
 * console.log(await clientThroughputUndici());
 * ```
 *
 * @param options - concurrency, duration and body size
 * @returns completed requests per second
 */
export function clientThroughputUndici(options?: LoadOptions): Promise<number> {
  const { concurrency, durationMs, bodyBytes } = resolveLoad(options);
  return withBodyServer(bodyBytes, async (url) => {
    const dispatcher = new Agent();
    try {
      return await measure(concurrency, durationMs, async () => {
        const response = await request(url, { dispatcher });
        await response.body.arrayBuffer();
      });
    } finally {
      await dispatcher.close();
    }
  });
}

/**
 * Requests per second through the global `fetch` of Node, for comparison.
 *
 * @example
 * ```ts
 * import { clientThroughputFetch } from "./client.js";
 *
 * console.log(await clientThroughputFetch());
 * ```
 *
 * @param options - concurrency, duration and body size
 * @returns completed requests per second
 */
export function clientThroughputFetch(options?: LoadOptions): Promise<number> {
  const { concurrency, durationMs, bodyBytes } = resolveLoad(options);
  return withBodyServer(bodyBytes, async (url) => {
    return measure(concurrency, durationMs, async () => {
      const response = await fetch(url);
      await response.arrayBuffer();
    });
  });
}
