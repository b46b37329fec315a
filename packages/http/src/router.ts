import type { Operation } from "@skein/core";
import { pathnameOf } from "./incoming-request.js";
import { type Middleware, withMiddleware } from "./middleware.js";
import { problem } from "./problem.js";

type Names<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | Names<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

type Rest<P extends string> = P extends `${string}/*` ? "*" : never;

/**
 * The parameters of a route pattern: `Params<"/users/:id/posts/:post">` is
 * `{ id: string; post: string }`, and a trailing `*` adds `"*"`, the rest of the path.
 *
 * @example
 * ```ts
 * import type { Params } from "@skein/http";
 *
 * const params: Params<"/items/:id"> = { id: "7" };
 * const files: Params<"/files/*"> = { "*": "css/site.css" };
 * ```
 */
export type Params<P extends string> = { [K in Names<P> | Rest<P>]: string };

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
 * Routes requests by method and path. A pattern is a path whose segments are literal, `:name`
 * (any one segment, URL-decoded into `params.name`) or, last, `*` (the rest of the path, maybe
 * empty, into `params["*"]`). When several routes match, the one whose first differing segment
 * is most specific wins: literal over `:name` over `*`; among equals, the first added.
 *
 * A `GET` route also answers `HEAD` (node:http drops the body). A path with routes but none for
 * the method gets 405 with `Allow`; `OPTIONS` gets 204 with `Allow` unless a route takes it; an
 * unknown path gets 404. Middleware added with `use` runs around every request that reaches
 * this router, those answered 404, 405 or by `OPTIONS` included, and a mounted router's
 * middleware runs inside its parent's.
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
  /** A route for any method (an explicit route for the method wins at the same specificity). */
  all<P extends string>(pattern: P, handler: RouteHandler<P>): Router;
  /** Add middleware around every request reaching this router, outermost first. */
  use(...middleware: Middleware[]): Router;
  /** Serve `router`'s routes under `prefix` (`"/api"`): `/api/items` reaches its `/items`. */
  mount(prefix: string, router: Router): Router;
  /** `mount(prefix, child)` for a new router `build` fills in. */
  group(prefix: string, build: (router: Router) => void): Router;
  /** The handler to give `useHttpServer`. */
  readonly handle: Handler;
}

const LITERAL = 0;
const PARAM = 1;
const REST = 2;

interface Segment {
  kind: typeof LITERAL | typeof PARAM | typeof REST;
  /** The literal text or the parameter's name. */
  text: string;
}

interface Route {
  method: string;
  segments: Segment[];
  handler: RouteHandler<string>;
}

interface Mount {
  prefix: Segment[];
  router: RouterImpl;
}

/** A route that matched, with how specific each of its segments was. */
interface Candidate {
  route: Route;
  params: Record<string, string>;
  rank: number[];
  /** The middleware of every router from the root to the route's own, outermost first. */
  layers: Middleware[];
}

const ANY = "*";

class RouterImpl implements Router {
  readonly #routes: Route[] = [];
  readonly #mounts: Mount[] = [];
  readonly #middleware: Middleware[] = [];

  readonly handle: Handler = (request) => this.#dispatch(request);

  route<P extends string>(method: string, pattern: P, handler: RouteHandler<P>): Router {
    this.#routes.push({
      method: method.toUpperCase(),
      segments: parse(pattern, true),
      handler: handler as RouteHandler<string>,
    });
    return this;
  }
  get<P extends string>(pattern: P, handler: RouteHandler<P>): Router {
    return this.route("GET", pattern, handler);
  }
  post<P extends string>(pattern: P, handler: RouteHandler<P>): Router {
    return this.route("POST", pattern, handler);
  }
  put<P extends string>(pattern: P, handler: RouteHandler<P>): Router {
    return this.route("PUT", pattern, handler);
  }
  patch<P extends string>(pattern: P, handler: RouteHandler<P>): Router {
    return this.route("PATCH", pattern, handler);
  }
  delete<P extends string>(pattern: P, handler: RouteHandler<P>): Router {
    return this.route("DELETE", pattern, handler);
  }
  all<P extends string>(pattern: P, handler: RouteHandler<P>): Router {
    return this.route(ANY, pattern, handler);
  }
  use(...middleware: Middleware[]): Router {
    for (const layer of middleware) {
      if (typeof layer !== "function") {
        throw new TypeError(`middleware is a generator function, got ${typeof layer}`);
      }
    }
    this.#middleware.push(...middleware);
    return this;
  }
  mount(prefix: string, router: Router): Router {
    if (!(router instanceof RouterImpl)) {
      throw new TypeError("mount() takes a router made by createRouter()");
    }
    if (router === this) throw new TypeError("a router cannot be mounted in itself");
    this.#mounts.push({ prefix: parse(prefix, false), router });
    return this;
  }
  group(prefix: string, build: (router: Router) => void): Router {
    const child = new RouterImpl();
    build(child);
    return this.mount(prefix, child);
  }

  *#dispatch(request: Request): Operation<Response> {
    const path = split(pathnameOf(request));
    const method = request.method;
    const found: Candidate[] = [];
    const reached: Middleware[][] = [];
    this.collect(path, 0, [], [], {}, found, reached);
    let best: Candidate | undefined;
    const allowed = new Set<string>();
    for (const candidate of found) {
      const routeMethod = candidate.route.method;
      if (routeMethod === ANY) {
        for (const name of ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]) allowed.add(name);
      } else {
        allowed.add(routeMethod);
        if (routeMethod === "GET") allowed.add("HEAD");
      }
      const fits =
        routeMethod === method ||
        routeMethod === ANY ||
        (routeMethod === "GET" && method === "HEAD");
      if (fits && (best === undefined || beats(candidate, best, method))) best = candidate;
    }
    if (best !== undefined) {
      const { route, params, layers } = best;
      const inner: Handler = (next) => route.handler(next, params);
      return yield* withMiddleware(inner, ...layers)(request);
    }
    // The deepest router the path reached answers with its middleware around it.
    const layers = reached.reduce((a, b) => (b.length >= a.length ? b : a), [] as Middleware[]);
    return yield* withMiddleware(
      function* () {
        if (allowed.size === 0) return problem(404, "not-found", "no route for this path");
        allowed.add("OPTIONS");
        const allow = [...allowed].join(", ");
        if (method === "OPTIONS") return new Response(null, { status: 204, headers: { allow } });
        return problem(405, "method-not-allowed", `use ${allow}`, { allow });
      },
      ...layers,
    )(request);
  }

  /** Internal. Add every route of this router (and its mounts) matching `path` from `from`. */
  collect(
    path: string[],
    from: number,
    rank: number[],
    outer: Middleware[],
    params: Record<string, string>,
    found: Candidate[],
    reached: Middleware[][],
  ): void {
    const layers = this.#middleware.length === 0 ? outer : [...outer, ...this.#middleware];
    reached.push(layers);
    for (const route of this.#routes) {
      const matched = match(route.segments, path, from, { ...params });
      if (matched !== undefined) {
        found.push({ route, params: matched.params, rank: [...rank, ...matched.rank], layers });
      }
    }
    for (const mount of this.#mounts) {
      const matched = matchPrefix(mount.prefix, path, from, { ...params });
      if (matched === undefined) continue;
      mount.router.collect(
        path,
        from + mount.prefix.length,
        [...rank, ...matched.rank],
        layers,
        matched.params,
        found,
        reached,
      );
    }
  }
}

/**
 * Create an empty {@link Router}.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { createRouter, useHttpServer } from "@skein/http";
 *
 * const api = createRouter().get("/hello/:name", function* (_request, { name }) {
 *   return new Response(`hello ${name}`);
 * });
 * const router = createRouter().mount("/api", api);
 * await run(function* () {
 *   const server = yield* useHttpServer({ handler: router.handle });
 *   console.log(`${server.url}/api/hello/ada`);
 * });
 * ```
 *
 * @returns a router with no routes
 */
export function createRouter(): Router {
  return new RouterImpl();
}

/** Whether `a` should answer rather than `b` (found earlier): more specific, or an exact method. */
function beats(a: Candidate, b: Candidate, method: string): boolean {
  const length = Math.max(a.rank.length, b.rank.length);
  for (let i = 0; i < length; i++) {
    // A pattern that ended where the other has a `*` matching nothing is the exact one.
    const x = a.rank[i] ?? -1;
    const y = b.rank[i] ?? -1;
    if (x !== y) return x < y;
  }
  return exactness(a.route.method, method) > exactness(b.route.method, method);
}

function exactness(routeMethod: string, method: string): number {
  return routeMethod === method ? 2 : routeMethod === ANY ? 0 : 1;
}

function parse(pattern: string, route: boolean): Segment[] {
  if (typeof pattern !== "string" || !pattern.startsWith("/")) {
    throw new TypeError(
      `a ${route ? "route pattern" : "mount prefix"} starts with "/", got ${JSON.stringify(pattern)}`,
    );
  }
  const parts = split(pattern);
  return parts.map((part, index) => {
    if (part === "*") {
      if (!route || index !== parts.length - 1) {
        throw new TypeError(
          `"*" is only allowed as the last segment of a route pattern, got ${JSON.stringify(pattern)}`,
        );
      }
      return { kind: REST, text: "*" };
    }
    if (part.startsWith(":")) {
      if (part.length === 1) {
        throw new TypeError(`a ":" segment needs a name, got ${JSON.stringify(pattern)}`);
      }
      return { kind: PARAM, text: part.slice(1) };
    }
    return { kind: LITERAL, text: part };
  });
}

function split(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}

interface Matched {
  params: Record<string, string>;
  rank: number[];
}

function match(
  pattern: Segment[],
  path: string[],
  from: number,
  params: Record<string, string>,
): Matched | undefined {
  const last = pattern[pattern.length - 1];
  const rest = last?.kind === REST;
  const fixed = rest ? pattern.length - 1 : pattern.length;
  if (rest ? path.length - from < fixed : path.length - from !== fixed) return undefined;
  const prefix = matchPrefix(pattern.slice(0, fixed), path, from, params);
  if (prefix === undefined) return undefined;
  if (rest) {
    const tail = path.slice(from + fixed);
    try {
      prefix.params["*"] = tail.map(decodeURIComponent).join("/");
    } catch {
      return undefined;
    }
    prefix.rank.push(REST);
  }
  return prefix;
}

function matchPrefix(
  pattern: Segment[],
  path: string[],
  from: number,
  params: Record<string, string>,
): Matched | undefined {
  if (path.length - from < pattern.length) return undefined;
  const rank: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const segment = pattern[i]!;
    const actual = path[from + i]!;
    if (segment.kind === PARAM) {
      try {
        params[segment.text] = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
    } else if (segment.text !== actual) {
      return undefined;
    }
    rank.push(segment.kind);
  }
  return { params, rank };
}
