import type { Scenario } from "../harness.js";
import { message, waiter } from "./fixtures.js";

export const interop: Scenario[] = [
  {
    name: "useAbortSignal aborts when its scope ends",
    *operation(api, log) {
      const signal = yield* api.scoped(function* () {
        const signal = yield* api.useAbortSignal();
        signal.addEventListener("abort", () => log("abort event"));
        log(`aborted inside ${signal.aborted}`);
        return signal;
      });
      log(`aborted after ${signal.aborted}`);
    },
  },
  {
    name: "useAbortSignal aborts when its task is halted",
    *operation(api, log) {
      const task = yield* api.spawn(function* () {
        const signal = yield* api.useAbortSignal();
        signal.addEventListener("abort", () => log("abort event"));
        yield* api.suspend();
      });
      yield* api.sleep(0);
      yield* task.halt();
      log("halted");
    },
  },
  {
    name: "createScope runs tasks until destroy halts them",
    async promise(api, log) {
      const [scope, destroy] = api.createScope();
      scope.run(() => waiter(api, log, "first"));
      scope.run(function* () {
        try {
          yield* api.suspend();
        } finally {
          log("second cleanup start");
          yield* api.sleep(1);
          log("second cleanup end");
        }
      });
      const value = await scope.run(function* () {
        return "from scope";
      });
      log(`value ${value}`);
      await destroy();
      log("destroyed");
    },
  },
  {
    name: "useScope runs a task from a callback that ends with the scope",
    *operation(api, log) {
      yield* api.scoped(function* () {
        const scope = yield* api.useScope();
        const done = api.withResolvers<string>();
        setTimeout(() => {
          scope.run(function* () {
            done.resolve("callback task ran");
            yield* waiter(api, log, "callback task");
          });
        }, 1);
        log(yield* done.operation);
      });
      log("scope ended");
    },
  },
  {
    name: "withResolvers resolves an operation from a callback",
    *operation(api) {
      const { operation, resolve } = api.withResolvers<number>();
      setTimeout(() => resolve(42), 1);
      return yield* operation;
    },
  },
  {
    name: "withResolvers rejects an operation and the first settlement wins",
    *operation(api, log) {
      const { operation, resolve, reject } = api.withResolvers<number>();
      reject(new Error("rejected first"));
      resolve(1);
      try {
        yield* operation;
      } catch (error) {
        log(`caught ${message(error)}`);
      }
      try {
        yield* operation;
      } catch (error) {
        log(`caught again ${message(error)}`);
      }
    },
  },
  {
    name: "action resolves and then runs its teardown",
    *operation(api, log) {
      const value = yield* api.action<string>((resolve) => {
        const id = setTimeout(() => resolve("resolved"), 1);
        return () => {
          clearTimeout(id);
          log("teardown");
        };
      });
      log(`value ${value}`);
      return value;
    },
  },
  {
    name: "action runs its teardown when halted",
    *operation(api, log) {
      const task = yield* api.spawn(() =>
        api.action<void>(() => {
          log("executor ran");
          return () => log("teardown");
        }),
      );
      yield* api.sleep(0);
      yield* task.halt();
      log("halted");
    },
  },
  {
    name: "action rejects asynchronously into the caller's catch",
    *operation(api, log) {
      try {
        yield* api.action<void>((_, reject) => {
          const id = setTimeout(() => reject(new Error("action failed")), 1);
          return () => {
            clearTimeout(id);
            log("teardown");
          };
        });
      } catch (error) {
        log(`caught ${message(error)}`);
      }
    },
  },
  {
    name: "action resolving synchronously runs its teardown before the caller resumes",
    *operation(api, log) {
      const value = yield* api.action<string>((resolve) => {
        resolve("sync");
        return () => log("teardown");
      });
      log(`value ${value}`);
    },
    differs: {
      reason:
        "an action's teardown runs before its caller resumes, also when it settles synchronously",
      skein: { log: ["teardown", "value sync"], outcome: { ok: true, value: undefined } },
      effection: { log: ["value sync", "teardown"], outcome: { ok: true, value: undefined } },
    },
  },
  {
    name: "action rejecting synchronously runs its teardown before the caller's catch",
    *operation(api, log) {
      try {
        yield* api.action<void>((_, reject) => {
          reject(new Error("action failed"));
          return () => log("teardown");
        });
      } catch (error) {
        log(`caught ${message(error)}`);
      }
    },
    differs: {
      reason:
        "an action's teardown runs before its caller resumes, also when it settles synchronously",
      skein: { log: ["teardown", "caught action failed"], outcome: { ok: true, value: undefined } },
      effection: {
        log: ["caught action failed", "teardown"],
        outcome: { ok: true, value: undefined },
      },
    },
  },
  {
    name: "call and until await promises, lift wraps a function",
    *operation(api, log) {
      const a = yield* api.call(() => Promise.resolve("call"));
      const b = yield* api.until(Promise.resolve("until"));
      const c = yield* api.lift((x: number) => x * 2)(21);
      try {
        yield* api.call(() => Promise.reject(new Error("promise rejected")));
      } catch (error) {
        log(`caught ${message(error)}`);
      }
      return [a, b, c];
    },
  },
  {
    name: "a halted run leaves a pending promise in call() unawaited",
    async promise(api, log) {
      const task = api.run(function* () {
        try {
          yield* api.call(() => new Promise<never>(() => {}));
        } finally {
          log("finally");
        }
      });
      await task.halt();
      log("halted");
    },
  },
];
