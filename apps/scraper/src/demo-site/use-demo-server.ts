import { label, type Operation, resource, sleep } from "@skein/core";
import { useHttpServer } from "@skein/http";
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
 * Serve {@link createDemoSite} with `@skein/http` on 127.0.0.1 on a free port for as long as the
 * current scope lives. Each path's attempts are counted, so the one-time 500s and 429s happen
 * once per server; a slow page's request task sleeps, and is halted if the client goes away.
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
    yield* label("demo site");
    const site = createDemoSite(options);
    const requests = new Map<string, number>();
    const server = yield* useHttpServer({
      // Nothing a demo page does is worth waiting for at shutdown.
      shutdownGraceMs: 0,
      *handler(request) {
        const url = new URL(request.url);
        const path = url.pathname + url.search;
        const attempt = (requests.get(path) ?? 0) + 1;
        requests.set(path, attempt);
        const response = site.respond(path, attempt);
        if (response.delayMs > 0) yield* sleep(response.delayMs);
        return new Response(response.body, { status: response.status, headers: response.headers });
      },
    });
    yield* provide({ origin: server.url, site, requests });
  });
}
