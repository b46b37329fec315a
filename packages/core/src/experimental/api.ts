import { createOwnedScope } from "../engine/owned-scope.js";
import type { ScopeNode } from "../engine/scope-node.js";
import type { Api, Context, Future, Operation, Scope } from "../types.js";
import { createApi, type Decoratable } from "./create-api.js";

/**
 * The members of {@link api}`.Scope`: making and ending scopes and writing their context values.
 *
 * @example
 * ```ts
 * import type { ScopeApi } from "@skein/core/experimental";
 *
 * type Create = ScopeApi["create"]; // (parent: Scope) => [Scope, () => Future<void>]
 * ```
 */
export interface ScopeApi {
  create(parent: Scope): [Scope, () => Future<void>];
  destroy(scope: Scope): Operation<void>;
  set<T>(scope: Scope, context: Context<T>, value: T): T;
  delete<T>(scope: Scope, context: Context<T>): boolean;
}

/**
 * The built-in APIs, as in `effection/experimental`. Middleware on `api.Scope` installed on a
 * scope sees, in that scope and every scope below it (also ones that already exist): each new
 * child (every task: `spawn`, `run`, resources, the tasks of `all()` and `race()`; and
 * `createScope()`) through `create`, which it may surround but not replace; and every context
 * value written or deleted (`Context.set`, `scope.set`, ...) through `set` and `delete`. The
 * engine does not call `destroy` (see docs/differences.md); calling it yourself works.
 *
 * @example
 * ```ts
 * import { run, spawn, useScope } from "@skein/core";
 * import { api } from "@skein/core/experimental";
 *
 * await run(function* () {
 *   const scope = yield* useScope();
 *   scope.around(api.Scope, {
 *     create(args, next) {
 *       console.log("a child scope");
 *       return next(...args);
 *     },
 *   });
 *   yield* spawn(function* () {}); // logs "a child scope"
 * });
 * ```
 */
export const api: { readonly Scope: Api<ScopeApi> } = {
  Scope: observedByTheEngine(
    createApi<ScopeApi>("Scope", {
      create(parent, ...rest: unknown[]) {
        // The engine passes how to make the child it is making; a direct call makes a scope.
        const build = rest[0] as (() => [Scope, () => Future<void>]) | undefined;
        if (build !== undefined) return build();
        const scope = createOwnedScope(parent);
        return [scope, () => scope.destroy()];
      },
      *destroy(scope) {
        const owned = scope as Partial<{ destroy(): Future<void> }>;
        if (typeof owned.destroy !== "function") {
          throw new TypeError(
            "api.Scope.destroy(): only a scope made by createScope() can be destroyed",
          );
        }
        yield* owned.destroy();
      },
      set: (scope, context, value) => (scope as ScopeNode).setOwn(context, value),
      delete: (scope, context) => (scope as ScopeNode).deleteOwn(context),
    }),
  ),
};

/** Makes installing middleware on `Scope` put the scope (and those below) under it. */
function observedByTheEngine(Scope: Api<ScopeApi>): Api<ScopeApi> {
  const target = Scope as Api<ScopeApi> & Decoratable<ScopeApi>;
  const decorate = target.decorate;
  target.decorate = (scope, middlewares, options) => {
    decorate(scope, middlewares, options);
    (scope as ScopeNode).observeWith(Scope as unknown as Parameters<ScopeNode["observeWith"]>[0]);
  };
  return Scope;
}
