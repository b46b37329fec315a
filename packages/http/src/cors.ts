import { editHeaders } from "./edit-headers.js";
import type { Middleware } from "./middleware.js";
import { InvalidServerOptionError } from "./server-errors.js";

/**
 * Which cross-origin requests {@link cors} lets browsers make. `origins` is `"*"` (any origin,
 * and then no credentials), a list of exact origins (`"https://app.example"`), or a function.
 * Defaults: methods GET, HEAD, POST, PUT, PATCH, DELETE; the request headers the preflight
 * asks for; no credentials; preflights cached 600 s.
 *
 * @example
 * ```ts
 * import type { CorsOptions } from "@skein/http";
 *
 * const options: CorsOptions = { origins: ["https://app.example"], credentials: true };
 * ```
 */
export interface CorsOptions {
  origins: "*" | readonly string[] | ((origin: string) => boolean);
  methods?: readonly string[];
  /** Request headers allowed; by default whatever the preflight asks for. */
  allowHeaders?: readonly string[];
  /** Response headers the page's script may read beyond the simple ones. */
  exposeHeaders?: readonly string[];
  credentials?: boolean;
  maxAgeSeconds?: number;
}

/**
 * CORS as middleware: answers preflights (`OPTIONS` with `Access-Control-Request-Method`) with
 * 204 and the allowed methods and headers, without calling the handler, and adds
 * `Access-Control-Allow-Origin` (and `Vary: Origin`) to the responses of allowed origins. A
 * request from an origin not allowed goes through without CORS headers, so the browser
 * withholds the response from the page; a preflight from one gets 403.
 *
 * @example
 * ```ts
 * import { cors, createRouter } from "@skein/http";
 *
 * const router = createRouter()
 *   .use(cors({ origins: ["https://app.example"] }))
 *   .get("/items", function* () { return Response.json([]); });
 * ```
 *
 * @param options - see {@link CorsOptions}
 * @returns the middleware
 */
export function cors(options: CorsOptions): Middleware {
  const { origins, credentials = false, maxAgeSeconds = 600 } = options;
  if (origins === "*" && credentials) {
    throw new InvalidServerOptionError(
      "origins",
      origins,
      'a list of origins when credentials is true (browsers refuse "*" with credentials)',
    );
  }
  const allowed =
    origins === "*"
      ? () => true
      : typeof origins === "function"
        ? origins
        : (origin: string) => origins.includes(origin);
  const methods = (options.methods ?? ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]).join(", ");
  const exposed = options.exposeHeaders?.join(", ");
  return function* corsMiddleware(request, next) {
    const origin = request.headers.get("origin");
    if (origin === null) return yield* next();
    const ok = allowed(origin);
    const preflight =
      request.method === "OPTIONS" && request.headers.has("access-control-request-method");
    if (preflight) {
      if (!ok) return new Response(null, { status: 403, headers: { vary: "origin" } });
      const headers: Record<string, string> = {
        "access-control-allow-origin": origins === "*" ? "*" : origin,
        "access-control-allow-methods": methods,
        "access-control-max-age": String(maxAgeSeconds),
        vary: "origin, access-control-request-headers",
      };
      const asked = request.headers.get("access-control-request-headers");
      const allowHeaders = options.allowHeaders?.join(", ") ?? asked;
      if (allowHeaders) headers["access-control-allow-headers"] = allowHeaders;
      if (credentials) headers["access-control-allow-credentials"] = "true";
      return new Response(null, { status: 204, headers });
    }
    const response = yield* next();
    if (!ok) return response;
    return editHeaders(response, (headers) => {
      headers.set("access-control-allow-origin", origins === "*" ? "*" : origin);
      if (origins !== "*") headers.append("vary", "origin");
      if (credentials) headers.set("access-control-allow-credentials", "true");
      if (exposed) headers.set("access-control-expose-headers", exposed);
    });
  };
}
