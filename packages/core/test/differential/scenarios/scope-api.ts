import type { Api, ApiScope, Log, Scenario } from "../harness.js";

/** Middleware for `api.Scope` that logs what the engine routes through it: every child made
 * below `here` and every write of a context named `differential.*` (effection also writes its
 * own contexts through it, which the scenarios do not compare). */
function logScopes(api: Api, here: ApiScope, log: Log): void {
  here.around(api.experimental.api.Scope, {
    create(args, next) {
      log(`create under ${args[0] === here ? "the observed scope" : "a scope below it"}`);
      const made = next(...args);
      log(`created, a pair: ${Array.isArray(made) && made.length === 2}`);
      return made;
    },
    set(args, next) {
      if (args[1].name.startsWith("differential.")) log(`set ${args[1].name} = ${args[2]}`);
      return next(...args);
    },
    delete(args, next) {
      if (args[1].name.startsWith("differential.")) log(`delete ${args[1].name}`);
      return next(...args);
    },
  });
}

export const scopeApi: Scenario[] = [
  {
    name: "api.Scope create middleware sees each task made below its scope",
    *operation(api, log) {
      logScopes(api, yield* api.useScope(), log);
      const child = yield* api.spawn(function* () {
        const grandchild = yield* api.spawn(function* () {
          return "grandchild";
        });
        return `child, ${yield* grandchild}`;
      });
      return yield* child;
    },
  },
  {
    name: "api.Scope create middleware installed after a child exists sees what it spawns",
    *operation(api, log) {
      const go = api.withResolvers<void>();
      const child = yield* api.spawn(function* () {
        yield* go.operation;
        const grandchild = yield* api.spawn(function* () {
          log("grandchild ran");
        });
        yield* grandchild;
      });
      yield* api.sleep(0);
      logScopes(api, yield* api.useScope(), log);
      go.resolve();
      yield* child;
    },
  },
  {
    name: "api.Scope create middleware does not see tasks its parent makes",
    *operation(api, log) {
      const child = yield* api.spawn(function* () {
        logScopes(api, yield* api.useScope(), log);
        yield* api.suspend();
      });
      yield* api.sleep(0);
      const sibling = yield* api.spawn(function* () {
        log("sibling ran");
      });
      yield* sibling;
      yield* child.halt();
    },
  },
  {
    name: "api.Scope create middleware sees createScope() under its scope",
    *operation(api, log) {
      const here = yield* api.useScope();
      logScopes(api, here, log);
      // Not destroyed by hand: effection's destroy() runs a task in the parent to do it, one
      // more create; the scope ends with its parent in both.
      const [scope] = api.createScope(here);
      return yield* scope.run(function* () {
        return "ran in the new scope";
      });
    },
  },
  {
    name: "api.Scope create middleware can set a context on the new scope before it runs",
    *operation(api, log) {
      const Origin = api.createContext<string>("differential.origin", "none");
      const here = yield* api.useScope();
      here.around(api.experimental.api.Scope, {
        create(args, next) {
          const made = next(...args);
          made[0].set(Origin, "set by middleware");
          return made;
        },
      });
      const child = yield* api.spawn(() => Origin.expect());
      log(`child sees ${yield* child}`);
      log(`here sees ${yield* Origin.expect()}`);
    },
  },
  {
    name: "api.Scope set and delete middleware see context writes in its scope and below",
    *operation(api, log) {
      const Name = api.createContext<string>("differential.scope-api-name", "default");
      const here = yield* api.useScope();
      logScopes(api, here, log);
      yield* Name.set("here");
      const child = yield* api.spawn(function* () {
        yield* Name.set("child");
        return yield* Name.expect();
      });
      log(`child read ${yield* child}`);
      log(`deleted ${here.delete(Name)}`);
      log(`here reads ${yield* Name.expect()}`);
    },
  },
  {
    name: "api.Scope middleware replaces a context value as it is written",
    *operation(api, log) {
      const Name = api.createContext<string>("differential.scope-api-upper", "default");
      const here = yield* api.useScope();
      here.around(api.experimental.api.Scope, {
        set(args, next) {
          const [scope, context, value] = args;
          if (context.name !== Name.name) return next(...args);
          return next(scope, context, String(value).toUpperCase());
        },
      });
      const set = yield* Name.set("quiet");
      log(`set returned ${set}`);
      log(`reads ${yield* Name.expect()}`);
    },
  },
];

export const scopeApiDifferences: Scenario[] = [
  {
    name: "api.Scope create middleware and the scope scoped() opens",
    *operation(api, log) {
      logScopes(api, yield* api.useScope(), log);
      return yield* api.scoped(function* () {
        const child = yield* api.spawn(function* () {
          return "child of scoped";
        });
        return yield* child;
      });
    },
    differs: {
      reason: "scoped() opens no scope through api.Scope.create",
      skein: {
        log: ["create under a scope below it", "created, a pair: true"],
        outcome: { ok: true, value: "child of scoped" },
      },
      effection: {
        log: [
          "create under the observed scope",
          "created, a pair: true",
          "create under a scope below it",
          "created, a pair: true",
        ],
        outcome: { ok: true, value: "child of scoped" },
      },
    },
  },
  {
    name: "api.Scope destroy middleware and a task that ends",
    *operation(api, log) {
      const here = yield* api.useScope();
      here.around(api.experimental.api.Scope, {
        *destroy(args, next) {
          log("destroy");
          yield* next(...args);
          log("destroyed");
        },
      });
      const child = yield* api.spawn(function* () {
        return "child";
      });
      return yield* child;
    },
    differs: {
      reason: "the engine does not end scopes through api.Scope.destroy",
      skein: { log: [], outcome: { ok: true, value: "child" } },
      // The child's scope, then the scenario's own, on which the middleware sits.
      effection: {
        log: ["destroy", "destroyed", "destroy", "destroyed"],
        outcome: { ok: true, value: "child" },
      },
    },
  },
];
