import type { Operation } from "@skein/core";
import { pathnameOf } from "./incoming-request.js";
import { problem } from "./problem.js";

type Names<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | Names<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/**
 * The parameters of a route pattern: `Params<"/users/:id/posts/:post">` is
 * `{ id: string; post: string }`.
 *
 * @example
 * ```ts
 * import type { Params } from "@skein/http";
 *
 * const params: Params<"/items/:id"> = { id: "7" };
 * ```
 */
export type Params<P extends string> = { [K in Names<P>]: string };

/**
 * What a server runs for each request, as a task of its own.
 *
 * @example
 * ```ts
 * import type { Handler } from "@skein/http";
 *
 * const hello: Handler = function* () {
 *   return new Response("hello");
 * };
 * ```
 */
export type Handler = (request: Request) => Operation<Response>;

/**
 * A handler for one route, with the parameters its pattern names.
 *
 * @example
 * ```ts
 * import type { RouteHandler } from "@skein/http";
 *
 * const show: RouteHandler<"/items/:id"> = function* (_request, params) {
 *   return Response.json({ id: params.id });
 * };
 * ```
 */
export type RouteHandler<P extends string> = (
  request: Request,
  params: Params<P>,
) => Operation<Response>;

/**
 * Routes requests by method and path. Patterns are paths whose `:name` segments match any one
 * segment (URL-decoded into `params.name`). Routes are tried in the order they were added; an
 * unknown path gets 404 and a known path with another method 405, both with a JSON error.
 *
 * @example
 * ```ts
 * import { createRouter } from "@skein/http";
 *
 * const router = createRouter()
 *   .get("/items/:id", function* (_request, params) {
 *     return Response.json({ id: params.id });
 *   })
 *   .delete("/items/:id", function* () {
 *     return new Response(null, { status: 204 });
 *   });
 * ```
 */
export interface Router {
  route<P extends string>(method: string, pattern: P, handler: RouteHandler<P>): Router;
  get<P extends string>(pattern: P, handler: RouteHandler<P>): Router;
  post<P extends string>(pattern: P, handler: RouteHandler<P>): Router;
  put<P extends string>(pattern: P, handler: RouteHandler<P>): Router;
  patch<P extends string>(pattern: P, handler: RouteHandler<P>): Router;
  delete<P extends string>(pattern: P, handler: RouteHandler<P>): Router;
  /** The handler to give `useHttpServer`. */
  readonly handle: Handler;
}

interface Route {
  method: string;
  segments: string[];
  handler: RouteHandler<string>;
}

/**
 * Create an empty {@link Router}.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { createRouter, useHttpServer } from "@skein/http";
 *
 * const router = createRouter().get("/hello/:name", function* (_request, { name }) {
 *   return new Response(`hello ${name}`);
 * });
 * await run(function* () {
 *   const server = yield* useHttpServer({ handler: router.handle });
 *   console.log(server.url);
 * });
 * ```
 *
 * @returns a router with no routes
 */
export function createRouter(): Router {
  const routes: Route[] = [];
  const router: Router = {
    route(method, pattern, handler) {
      if (!pattern.startsWith("/")) {
        throw new TypeError(`a route pattern starts with "/", got ${JSON.stringify(pattern)}`);
      }
      routes.push({
        method: method.toUpperCase(),
        segments: split(pattern),
        handler: handler as RouteHandler<string>,
      });
      return router;
    },
    get: (pattern, handler) => router.route("GET", pattern, handler),
    post: (pattern, handler) => router.route("POST", pattern, handler),
    put: (pattern, handler) => router.route("PUT", pattern, handler),
    patch: (pattern, handler) => router.route("PATCH", pattern, handler),
    delete: (pattern, handler) => router.route("DELETE", pattern, handler),
    *handle(request) {
      const path = split(pathnameOf(request));
      const allowed: string[] = [];
      for (const route of routes) {
        const params = match(route.segments, path);
        if (params === undefined) continue;
        if (
          route.method === request.method ||
          (route.method === "GET" && request.method === "HEAD")
        ) {
          return yield* route.handler(request, params);
        }
        allowed.push(route.method);
      }
      if (allowed.length > 0) {
        return problem(405, "method-not-allowed", `use ${allowed.join(", ")}`, {
          allow: allowed.join(", "),
        });
      }
      return problem(404, "not-found", "no route for this path");
    },
  };
  return router;
}

function split(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}

function match(pattern: string[], path: string[]): Record<string, string> | undefined {
  if (pattern.length !== path.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i]!;
    const actual = path[i]!;
    if (expected.startsWith(":")) {
      try {
        params[expected.slice(1)] = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}
