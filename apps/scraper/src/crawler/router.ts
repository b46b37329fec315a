import { type Operation, timeout } from "@skein/core";
import type { PageContext } from "./page-context.js";
import { type HandlerResult, type PageHandler, settle } from "./run-handler.js";
import { UnknownRouteError } from "./unknown-route-error.js";

/**
 * A route's options.
 *
 * @example
 * ```ts
 * import { createRouter, type RouteOptions } from "@skein/scraper";
 *
 * const quick: RouteOptions = { timeoutMs: 5_000 };
 * const router = createRouter().fallback(function* (page) {
 *   page.push({ url: page.url });
 * }, quick);
 * ```
 */
export interface RouteOptions {
  /** How long the route's handler may run for one page; past it the page fails. */
  timeoutMs?: number;
}

/**
 * A handler that sends each page to the route of its label (as Crawlee's router does). Its
 * type parameter maps labels to the `userData` their URLs are enqueued with.
 *
 * @example
 * ```ts
 * import { createRouter } from "@skein/scraper";
 *
 * const router = createRouter<{ product: { category: string } }>()
 *   .route("product", function* (page) {
 *     page.push({ name: page.text("h1"), category: page.userData.category });
 *   })
 *   .fallback(function* (page) {
 *     page.enqueue(page.select("a.product").map((a) => a.attribs.href ?? ""), {
 *       label: "product",
 *       userData: { category: page.text("h1") ?? "" },
 *     });
 *   });
 * ```
 */
export interface Router<R extends Record<string, unknown>> extends PageHandler {
  /** Handle pages enqueued with `label`. */
  route<L extends keyof R & string>(
    label: L,
    handler: (page: PageContext<R[L]>) => HandlerResult,
    options?: RouteOptions,
  ): Router<R>;
  /** Handle pages with no label (seeds, followed links) or a label no route has. */
  fallback(handler: (page: PageContext) => HandlerResult, options?: RouteOptions): Router<R>;
}

interface Route {
  handler(page: PageContext): HandlerResult;
  timeoutMs?: number;
}

/**
 * Make a {@link Router}: pass it as `crawl({ handler })`. A page whose label has no route and
 * no fallback fails with {@link UnknownRouteError}'s message.
 *
 * @example
 * ```ts
 * import { createRouter } from "@skein/scraper";
 *
 * const router = createRouter().fallback(function* (page) {
 *   page.push({ url: page.url, title: page.facts.title });
 * });
 * ```
 *
 * @returns an empty router
 */
export function createRouter<
  R extends Record<string, unknown> = Record<string, unknown>,
>(): Router<R> {
  const routes = new Map<string, Route>();
  let otherwise: Route | undefined;
  const router = function* (page: PageContext): Operation<void> {
    const route = (page.label === undefined ? undefined : routes.get(page.label)) ?? otherwise;
    if (route === undefined) throw new UnknownRouteError(page.label);
    const handled = settle(route.handler(page));
    if (route.timeoutMs === undefined) yield* handled;
    else yield* timeout(route.timeoutMs, handled);
  } as Router<R>;
  router.route = (label, handler, options = {}) => {
    routes.set(label, { handler: handler as Route["handler"], ...options });
    return router;
  };
  router.fallback = (handler, options = {}) => {
    otherwise = { handler, ...options };
    return router;
  };
  return router;
}
