import { run, suspend, withResolvers } from "@skein/core";
import { fixedResponse, type HttpServer, useHttpServer } from "@skein/http";
import { Pool, request } from "undici";
import { type LoadOptions, listen, measure, resolveLoad } from "./fixtures.js";

async function load(url: string, options: Required<LoadOptions>): Promise<number> {
  const dispatcher = new Pool(url, { connections: options.concurrency });
  try {
    return await measure(options.concurrency, options.durationMs, async () => {
      const response = await request(url, { dispatcher });
      await response.body.arrayBuffer();
    });
  } finally {
    await dispatcher.close();
  }
}

/**
 * Requests per second served by `useHttpServer` (a task, a web `Request` and a web `Response`
 * per request), loaded in-process by an undici `Pool`.
 *
 * @example
 * ```ts
 * import { serverThroughputSkein } from "./server.js";
 *
 * console.log(await serverThroughputSkein({ concurrency: 64 }));
 * ```
 *
 * @param options - concurrency, duration and body size
 * @returns completed requests per second
 */
export function serverThroughputSkein(options?: LoadOptions): Promise<number> {
  return skeinServer(options, (payload, init) => new Response(payload, init));
}

/**
 * Requests per second served by `useHttpServer` with a handler returning
 * `fixedResponse(bytes)`, which builds no `ReadableStream`; loaded in-process like
 * {@link serverThroughputSkein}.
 *
 * @example
 * ```ts
 * import { serverThroughputSkeinFixed } from "./server.js";
 *
 * console.log(await serverThroughputSkeinFixed());
 * ```
 *
 * @param options - concurrency, duration and body size
 * @returns completed requests per second
 */
export function serverThroughputSkeinFixed(options?: LoadOptions): Promise<number> {
  return skeinServer(options, fixedResponse);
}

async function skeinServer(
  options: LoadOptions | undefined,
  respond: (payload: Uint8Array<ArrayBuffer>, init: ResponseInit) => Response,
): Promise<number> {
  const resolved = resolveLoad(options);
  const payload = new Uint8Array(resolved.bodyBytes).fill(97);
  const init = { headers: { "content-type": "application/octet-stream" } };
  const ready = withResolvers<HttpServer>();
  const serving = run(function* () {
    ready.resolve(
      yield* useHttpServer({
        *handler() {
          return respond(payload, init);
        },
      }),
    );
    yield* suspend();
  });
  try {
    const server = await run(() => ready.operation);
    return await load(`${server.url}/`, resolved);
  } finally {
    await serving.halt();
  }
}

/**
 * Requests per second served by a raw node:http handler, for comparison.
 *
 * @example
 * ```ts
 * import { serverThroughputRaw } from "./server.js";
 *
 * console.log(await serverThroughputRaw());
 * ```
 *
 * @param options - concurrency, duration and body size
 * @returns completed requests per second
 */
export async function serverThroughputRaw(options?: LoadOptions): Promise<number> {
  const resolved = resolveLoad(options);
  const payload = Buffer.alloc(resolved.bodyBytes, 97);
  const server = await listen((_, response) => {
    response.setHeader("content-type", "application/octet-stream");
    response.end(payload);
  });
  try {
    return await load(server.url, resolved);
  } finally {
    await server.close();
  }
}
