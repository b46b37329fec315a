import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Options shared by the HTTP measurements. */
export interface LoadOptions {
  /** Requests in flight at once. Default 64. */
  concurrency?: number;
  /** How long to measure, in milliseconds, after a warm-up of a quarter of that. Default 2000. */
  durationMs?: number;
  /** Size of each response body in bytes. Default 2048. */
  bodyBytes?: number;
}

/** Internal. The options with their defaults. */
export function resolveLoad(options: LoadOptions = {}): Required<LoadOptions> {
  return {
    concurrency: options.concurrency ?? 64,
    durationMs: options.durationMs ?? 2000,
    bodyBytes: options.bodyBytes ?? 2048,
  };
}

/** Internal. A raw node:http server on loopback; returns its URL and a close function. */
export async function listen(
  listener: RequestListener,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Internal. Run `concurrency` async loops of `once` for a warm-up and then `durationMs`;
 * returns completed calls per second during the measured part.
 */
export async function measure(
  concurrency: number,
  durationMs: number,
  once: () => Promise<void>,
): Promise<number> {
  const warmUntil = Date.now() + durationMs / 4;
  let startedAt = 0;
  let stopAt = Infinity;
  let count = 0;
  const loop = async () => {
    for (;;) {
      const now = Date.now();
      if (now >= stopAt) return;
      if (startedAt === 0 && now >= warmUntil) {
        startedAt = now;
        stopAt = now + durationMs;
        count = 0;
      }
      await once();
      if (startedAt !== 0) count++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return (count / (Date.now() - startedAt)) * 1000;
}
