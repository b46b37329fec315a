import { type Operation, resource } from "@skein/core";
import { useHttpServer } from "@skein/http";

/** Internal to the tests. One request a fixture site got: its path and headers. */
export interface FixtureRequest {
  path: string;
  headers: Headers;
}

/** Internal to the tests. A running fixture site. */
export interface FixtureSite {
  /** e.g. `http://127.0.0.1:40123`. */
  readonly origin: string;
  /** Every request, in order. */
  readonly requests: FixtureRequest[];
  /** How many requests `path` got. */
  count(path: string): number;
}

/** Internal to the tests. What a path answers: a response made for each request. */
export type FixtureRoutes = Record<string, (request: Request, origin: string) => Response>;

/**
 * Internal to the tests. Serve `routes` on 127.0.0.1 on a free port for the current scope;
 * other paths are 404. Requests are recorded.
 *
 * @param routes - the paths (with query) and their answers
 * @returns the site
 */
export function useFixtureSite(routes: FixtureRoutes): Operation<FixtureSite> {
  return resource<FixtureSite>(function* (provide) {
    const requests: FixtureRequest[] = [];
    let origin = "";
    const server = yield* useHttpServer({
      shutdownGraceMs: 0,
      *handler(request) {
        const url = new URL(request.url);
        const path = url.pathname + url.search;
        requests.push({ path, headers: request.headers });
        const route = routes[path];
        return route === undefined
          ? new Response("not here", { status: 404 })
          : route(request, origin);
      },
    });
    origin = server.url.replace(/\/$/, "");
    yield* provide({
      origin,
      requests,
      count: (path) => requests.filter((request) => request.path === path).length,
    });
  });
}

/** Internal to the tests. An HTML page answer linking to `links`. */
export function html(
  links: readonly string[],
  title = "page",
  headers: Record<string, string> = {},
) {
  const body = `<html><head><title>${title}</title></head><body><h1>${title}</h1>${links
    .map((link) => `<a href="${link}">${link}</a>`)
    .join("")}</body></html>`;
  return new Response(body, {
    headers: { "content-type": "text/html; charset=utf-8", ...headers },
  });
}
