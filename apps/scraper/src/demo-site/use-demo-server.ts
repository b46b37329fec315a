import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { action, type Operation, resource, sleep, useScope } from "@skein/core";
import { createDemoSite, type DemoSite, type DemoSiteOptions } from "./demo-site.js";

/**
 * A running demo site, from {@link useDemoServer}.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { type DemoServer, useDemoServer } from "@skein/scraper";
 *
 * await run(function* () {
 *   const server: DemoServer = yield* useDemoServer({ pages: 50 });
 *   console.log(server.origin, server.site.pages);
 * });
 * ```
 */
export interface DemoServer {
  /** e.g. `http://127.0.0.1:40123`, without a trailing slash. */
  readonly origin: string;
  /** The site it serves; `site.expect(origin)` is the result a full crawl must produce. */
  readonly site: DemoSite;
  /** How many times each path (with query) has been requested. */
  readonly requests: ReadonlyMap<string, number>;
}

/**
 * Serve {@link createDemoSite} over HTTP on 127.0.0.1 on a free port for as long as the current
 * scope lives. Each path's attempts are counted, so the one-time 500s and 429s happen once per
 * server; slow pages wait with a sleep that is halted if the client goes away.
 *
 * It is built on `node:http`: `@skein/http` has no server yet.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { useDemoServer } from "@skein/scraper";
 *
 * await run(function* () {
 *   const { origin } = yield* useDemoServer({ pages: 300, seed: 2 });
 *   console.log(`crawl ${origin}/`);
 * });
 * ```
 *
 * @param options - the site's size, seed and slowness
 * @returns an operation yielding the running {@link DemoServer}
 */
export function useDemoServer(options: DemoSiteOptions = {}): Operation<DemoServer> {
  return resource<DemoServer>(function* (provide) {
    const site = createDemoSite(options);
    const requests = new Map<string, number>();
    const scope = yield* useScope();
    const server = createServer((req, res) => {
      scope.run(() => answer(site, requests, req, res));
    });
    server.keepAliveTimeout = 1000;
    yield* action<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
      return () => server.off("error", reject);
    });
    const { port } = server.address() as AddressInfo;
    try {
      yield* provide({ origin: `http://127.0.0.1:${port}`, site, requests });
    } finally {
      server.closeAllConnections();
      yield* action<void>((resolve) => {
        server.close(() => resolve());
        return () => {};
      });
    }
  });
}

function* answer(
  site: DemoSite,
  requests: Map<string, number>,
  req: IncomingMessage,
  res: ServerResponse,
): Operation<void> {
  const path = req.url ?? "/";
  const attempt = (requests.get(path) ?? 0) + 1;
  requests.set(path, attempt);
  const response = site.respond(path, attempt);
  if (response.delayMs > 0) {
    yield* sleep(response.delayMs);
    if (res.destroyed) return;
  }
  res.writeHead(response.status, response.headers);
  res.end(response.body);
}
