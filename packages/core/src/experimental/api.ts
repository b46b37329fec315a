import { createScope } from "../scope.js";
import type { Api, Context, Future, Operation, Scope } from "../types.js";
import { createApi } from "./create-api.js";

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
 * The built-in APIs, as in `effection/experimental`. `api.Scope` has effection's members, so
 * code that invokes or decorates it type-checks and runs; Skein's engine does not route its own
 * scope creation, destruction and context writes through it, so middleware on it sees only the
 * calls made through `api.Scope` itself (see docs/differences.md).
 *
 * @example
 * ```ts
 * import { run, useScope } from "@skein/core";
 * import { api } from "@skein/core/experimental";
 *
 * await run(function* () {
 *   const [child, destroy] = yield* api.Scope.operations.create(yield* useScope());
 *   child.run(function* () {});
 *   yield* destroy();
 * });
 * ```
 */
export const api: { readonly Scope: Api<ScopeApi> } = {
  Scope: createApi<ScopeApi>("Scope", {
    create(parent) {
      const scope = createScope(parent);
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
    set: (scope, context, value) => scope.set(context, value),
    delete: (scope, context) => scope.delete(context),
  }),
};
