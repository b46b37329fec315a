import { createHash } from "node:crypto";
import { createSignal, label, type Operation, resource } from "@skein/core";
import { createRouter, RequestError, sse, useHttpServer } from "@skein/http";
import type { DashboardSource } from "./dashboard-source.js";
import { DASHBOARD_PAGE, DASHBOARD_SCRIPT } from "./page.js";
import { snapshotEvents } from "./snapshot-events.js";

/**
 * Where the dashboard listens and what it shows. Defaults: a free port on 127.0.0.1, a
 * snapshot every 500 ms.
 *
 * @example
 * ```ts
 * import type { DashboardOptions, DashboardSource } from "@skein/scraper";
 *
 * declare const source: DashboardSource;
 * const options: DashboardOptions = { source, port: 7070 };
 * ```
 */
export interface DashboardOptions {
  source: DashboardSource;
  port?: number;
  host?: string;
  /** Time between two snapshots pushed to each open page. */
  intervalMs?: number;
}

/**
 * A running dashboard, from {@link useDashboard}.
 *
 * @example
 * ```ts
 * import type { Dashboard } from "@skein/scraper";
 *
 * function announce(dashboard: Dashboard): void {
 *   console.error(`dashboard: ${dashboard.url}`);
 * }
 * ```
 */
export interface Dashboard {
  /** The page's address, with a trailing slash. */
  readonly url: string;
  readonly port: number;
}

/** The header the page sends with its POSTs; a cross-site form or image cannot send it. */
const CONTROL_HEADER = "x-skein-dashboard";
const SCRIPT_HASH = createHash("sha256").update(DASHBOARD_SCRIPT).digest("base64");
const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy": `default-src 'none'; script-src 'sha256-${SCRIPT_HASH}'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  "x-content-type-options": "nosniff",
};

/**
 * Serve a live crawl dashboard for as long as the current scope lives: the page at `GET /`,
 * its Server-Sent Events at `GET /events` (a full snapshot first, then one every `intervalMs`,
 * taken only while a page reads them), and `POST /pause`, `/resume` and `/stop`, which call the
 * source. POSTs must carry the `x-skein-dashboard` header, and on a loopback address every
 * request must name a loopback host, so other web sites cannot drive the crawl.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { createCrawlMonitor, crawl, createCrawlStore, useDashboard, useDatabase } from "@skein/scraper";
 *
 * await run(function* () {
 *   const store = yield* createCrawlStore(yield* useDatabase("memory://"));
 *   const monitor = createCrawlMonitor({ store, name: "example" });
 *   const dashboard = yield* useDashboard({ source: monitor, port: 7070 });
 *   console.error(`dashboard: ${dashboard.url}`);
 *   yield* crawl({ store, name: "example", seeds: ["https://example.com/"], monitor });
 * });
 * ```
 *
 * @param options - see {@link DashboardOptions}
 * @returns an operation yielding the running {@link Dashboard} once it listens
 */
export function useDashboard(options: DashboardOptions): Operation<Dashboard> {
  const { source } = options;
  const intervalMs = options.intervalMs ?? 500;
  return resource<Dashboard>(function* (provide) {
    yield* label("dashboard");
    const host = options.host ?? "127.0.0.1";
    const loopback = isLoopback(host);
    const changes = createSignal<void, never>();
    const control = (act: () => void) =>
      function* (request: Request): Operation<Response> {
        guard(request, loopback);
        if (request.headers.get(CONTROL_HEADER) !== "1") {
          throw new RequestError(403, "forbidden", `send the ${CONTROL_HEADER}: 1 header`);
        }
        act();
        changes.send();
        return Response.json({ paused: source.paused });
      };
    const router = createRouter()
      .get("/", function* (request) {
        guard(request, loopback);
        return new Response(DASHBOARD_PAGE, { headers: PAGE_HEADERS });
      })
      .get("/events", function* (request) {
        guard(request, loopback);
        return sse(snapshotEvents(source, intervalMs, changes));
      })
      .post(
        "/pause",
        control(() => source.pause()),
      )
      .post(
        "/resume",
        control(() => source.resume()),
      )
      .post(
        "/stop",
        control(() => source.stop()),
      );
    // Open pages keep their event streams until halted: do not wait for them at shutdown.
    const server = yield* useHttpServer({
      handler: router.handle,
      port: options.port ?? 0,
      host,
      shutdownGraceMs: 100,
    });
    yield* provide({ url: `${server.url}/`, port: server.port });
  });
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}

// Against DNS rebinding: a page of another site whose name now points at 127.0.0.1.
function guard(request: Request, loopback: boolean): void {
  if (!loopback) return;
  const name = (request.headers.get("host") ?? "").replace(/:\d+$/, "");
  if (!isLoopback(name.replace(/^\[(.*)\]$/, "$1"))) {
    throw new RequestError(403, "forbidden", "use a loopback address to open the dashboard");
  }
}
