import type { Api, Log, Op, Scenario } from "../harness.js";
import { message, waiter } from "./fixtures.js";

/** A disposable that logs its disposal; async ones take a step of the event loop to finish. */
function disposable(log: Log, name: string): Disposable {
  return {
    [Symbol.dispose]() {
      log(`${name} disposed`);
    },
  };
}

function asyncDisposable(log: Log, name: string): AsyncDisposable {
  return {
    async [Symbol.asyncDispose]() {
      log(`${name} disposing`);
      await new Promise((resolve) => setTimeout(resolve, 1));
      log(`${name} disposed`);
    },
  };
}

export const usingScenarios: Scenario[] = [
  {
    name: "using() disposes a Disposable when its scope returns",
    *operation(api, log) {
      const value = yield* api.scoped(function* () {
        yield* api.using(disposable(log, "a"));
        yield* api.using(disposable(log, "b"));
        log("body done");
        return "value";
      });
      log(`scope returned ${value}`);
      return value;
    },
  },
  {
    name: "using() awaits an AsyncDisposable before the scope's result is delivered",
    *operation(api, log) {
      const value = yield* api.scoped(function* () {
        yield* api.using(asyncDisposable(log, "connection"));
        log("body done");
        return "value";
      });
      log(`scope returned ${value}`);
    },
  },
  {
    name: "using() disposes when its scope fails",
    *operation(api, log) {
      try {
        yield* api.scoped(function* () {
          yield* api.using(asyncDisposable(log, "connection"));
          throw new Error("body failed");
        });
      } catch (error) {
        log(`caught ${message(error)}`);
      }
    },
  },
  {
    name: "using() disposes when its task is halted",
    *operation(api, log) {
      const task = yield* api.spawn(function* () {
        yield* api.using(asyncDisposable(log, "connection"));
        yield* api.suspend();
      });
      yield* api.sleep(0);
      yield* task.halt();
      log("halt returned");
    },
  },
  {
    name: "using() disposes a Disposable when its scope fails",
    *operation(api, log) {
      try {
        yield* api.scoped(function* () {
          yield* api.using(disposable(log, "handle"));
          throw new Error("body failed");
        });
      } catch (error) {
        log(`caught ${message(error)}`);
      }
    },
  },
  {
    name: "using() disposes a Disposable when its task is halted",
    *operation(api, log) {
      const task = yield* api.spawn(function* () {
        yield* api.using(disposable(log, "handle"));
        yield* api.suspend();
      });
      yield* api.sleep(0);
      yield* task.halt();
      log("halt returned");
    },
  },
  {
    name: "using() returns the value itself and prefers asyncDispose",
    *operation(api, log) {
      const both = {
        [Symbol.dispose]() {
          log("sync dispose");
        },
        async [Symbol.asyncDispose]() {
          log("async dispose");
        },
      };
      const same = yield* api.scoped(function* () {
        return (yield* api.using(both)) === both;
      });
      return same;
    },
  },
];

export const taskDisposal: Scenario[] = [
  {
    name: "await using a task halts it at block exit, and halt() after that is harmless",
    async promise(api, log) {
      {
        await using task = api.run(() => waiter(api, log, "task"));
        await api.run(() => api.sleep(0));
        log("block ending");
        void task;
      }
      log("block exited");
    },
  },
  {
    name: "disposing a task that has finished settles at once; halting it later too",
    async promise(api, log) {
      const task = api.run(function* () {
        return "done";
      });
      log(`value ${await task}`);
      await task[Symbol.asyncDispose]();
      log("disposed");
      await task.halt();
      log("halted");
    },
  },
  {
    name: "task.halt is bound to its task: run(task.halt) halts it",
    *operation(api, log) {
      const task = yield* api.spawn(() => waiter(api, log, "child"));
      yield* api.sleep(0);
      const { halt } = task;
      yield* api.run(halt);
      log("halted through an unbound halt");
    },
  },
];

interface Greeter {
  greet(name: string): Op<string>;
  greeting: string;
}

function greeter(api: Api, log: Log) {
  return api.experimental.createApi<Greeter>("greeter", {
    *greet(name) {
      log(`core greets ${name}`);
      return `hello ${name}`;
    },
    greeting: "hello",
  });
}

function tag(log: Log, name: string) {
  return {
    *greet(args: [string], next: (name: string) => Op<string>) {
      log(`${name} before`);
      const value = yield* next(...args);
      log(`${name} after`);
      return `${name}(${value})`;
    },
  };
}

export const apis: Scenario[] = [
  {
    name: "createApi operations call the core when no middleware is installed",
    *operation(api, log) {
      const Greeter = greeter(api, log);
      const hello: string = yield* Greeter.operations.greet("ada");
      const greeting: string = yield* Greeter.operations.greeting;
      return [hello, greeting];
    },
  },
  {
    name: "middleware installed with around() applies to its scope and children, not its parent",
    *operation(api, log) {
      const Greeter = greeter(api, log);
      const inner = yield* api.scoped(function* () {
        yield* Greeter.around(tag(log, "m"));
        const child = yield* api.spawn(() => Greeter.operations.greet("child"));
        return [yield* Greeter.operations.greet("here"), yield* child];
      });
      const outer: string = yield* Greeter.operations.greet("parent");
      return [...inner, outer];
    },
  },
  {
    name: "middleware installed after a child exists reaches that child",
    *operation(api, log) {
      const Greeter = greeter(api, log);
      const go = api.withResolvers<void>();
      const child = yield* api.spawn(function* () {
        yield* go.operation;
        return yield* Greeter.operations.greet("child");
      });
      yield* api.sleep(0);
      yield* Greeter.around(tag(log, "late"));
      go.resolve();
      return yield* child;
    },
  },
  {
    name: "middleware an ancestor adds later is not applied twice",
    *operation(api, log) {
      const Greeter = greeter(api, log);
      yield* Greeter.around(tag(log, "root"));
      const results = yield* api.scoped(function* () {
        yield* Greeter.around(tag(log, "child"));
        const first: string = yield* Greeter.operations.greet("one");
        const scope = yield* api.useScope();
        void scope;
        return [first];
      });
      yield* Greeter.around(tag(log, "root2"));
      const again = yield* api.scoped(function* () {
        yield* Greeter.around(tag(log, "child2"));
        return yield* Greeter.operations.greet("two");
      });
      return [...results, again];
    },
  },
  {
    name: "max middleware wraps from the outside in, min middleware sits next to the core",
    *operation(api, log) {
      const Greeter = greeter(api, log);
      yield* Greeter.around(tag(log, "max1"));
      yield* Greeter.around(tag(log, "min1"), { at: "min" });
      yield* Greeter.around(tag(log, "max2"));
      yield* Greeter.around(tag(log, "min2"), { at: "min" });
      const nested = yield* api.scoped(function* () {
        yield* Greeter.around(tag(log, "childMax"));
        yield* Greeter.around(tag(log, "childMin"), { at: "min" });
        return yield* Greeter.operations.greet("x");
      });
      return nested;
    },
  },
  {
    name: "scope.around() installs middleware from plain code, and can replace a value",
    *operation(api, log) {
      const Greeter = greeter(api, log);
      const scope = yield* api.useScope();
      scope.around(Greeter, {
        greeting: (args: [], next: () => string) => `${next(...args)}!`,
        *greet([name]: [string]) {
          log(`mocked ${name}`);
          return `mock ${name}`;
        },
      });
      return [yield* Greeter.operations.greeting, yield* Greeter.operations.greet("ada")];
    },
  },
  {
    name: "middleware can change the arguments passed on",
    *operation(api, log) {
      const Greeter = greeter(api, log);
      yield* Greeter.around({
        *greet([name]: [string], next: (name: string) => Op<string>) {
          return yield* next(name.toUpperCase());
        },
      });
      return yield* Greeter.operations.greet("ada");
    },
  },
];

export const signals: Scenario[] = [
  {
    name: "SignalQueueFactory supplies the queue behind each subscription",
    *operation(api, log) {
      const signal = api.createSignal<number, void>();
      yield* api.SignalQueueFactory.set(<T, TClose>() => {
        const queue = api.createQueue<T, TClose>();
        log("queue made");
        return {
          ...queue,
          add(item: T) {
            if ((item as number) % 2 === 0) queue.add(item);
          },
        };
      });
      const subscription = yield* signal;
      for (const n of [1, 2, 3, 4]) signal.send(n);
      signal.close();
      const seen: unknown[] = [];
      for (let next = yield* subscription.next(); !next.done; next = yield* subscription.next()) {
        seen.push(next.value);
      }
      return seen;
    },
  },
  {
    name: "SignalQueueFactory supplies the queue behind each channel subscription, from a parent scope",
    *operation(api, log) {
      yield* api.SignalQueueFactory.set(<T, TClose>() => {
        const queue = api.createQueue<T, TClose>();
        log("queue made");
        return {
          ...queue,
          add(item: T) {
            if ((item as number) > 1) queue.add(item);
          },
        };
      });
      const channel = api.createChannel<number, void>();
      const reader = yield* api.spawn(function* () {
        const subscription = yield* channel;
        log("subscribed");
        const seen: unknown[] = [];
        for (let next = yield* subscription.next(); !next.done; next = yield* subscription.next()) {
          seen.push(next.value);
        }
        return seen;
      });
      yield* api.sleep(0);
      for (const n of [1, 2, 3]) yield* channel.send(n);
      yield* channel.close();
      return yield* reader;
    },
  },
];

export const lifting: Scenario[] = [
  {
    name: "a lifted function pauses its caller: a waiting sibling runs in between",
    *operation(api, log) {
      const ping = api.createSignal<string, never>();
      yield* api.spawn(function* () {
        const subscription = yield* ping;
        log("listening");
        const next = yield* subscription.next();
        log(`heard ${next.value}`);
      });
      yield* api.sleep(0);
      const send = api.lift((value: string) => {
        log(`sending ${value}`);
        ping.send(value);
      });
      yield* send("one");
      log("caller resumed");
      yield* api.sleep(0);
    },
  },
  {
    name: "a lifted function pauses its caller: a sibling overtakes it",
    *operation(api, log) {
      const note = api.lift((event: string) => log(event));
      for (const name of ["a", "b"]) {
        yield* api.spawn(function* () {
          yield* note(`${name} 1`);
          yield* note(`${name} 2`);
        });
      }
      yield* api.sleep(0);
    },
  },
  {
    name: "a lifted function's caller can be halted before it resumes",
    *operation(api, log) {
      const lifted = api.withResolvers<void>();
      const child = yield* api.spawn(function* () {
        const wakeParent = api.lift(() => {
          log("lifted ran");
          lifted.resolve();
        });
        yield* wakeParent();
        log("child resumed");
      });
      yield* lifted.operation;
      yield* child.halt();
      log("child halted");
    },
  },
  {
    name: "a serially re-subscribing channel consumer gets every message a child sends",
    *operation(api, log) {
      const channel = api.createChannel<number, void>();
      const subscribed = api.createSignal<void, never>();
      const ready = yield* subscribed;
      yield* api.spawn(function* () {
        yield* ready.next();
        for (const n of [1, 2, 3]) yield* channel.send(n);
      });
      const seen: number[] = [];
      // A fresh subscription for every message; the old ones are never read again.
      while (seen.length < 3) {
        const subscription = yield* channel;
        subscribed.send();
        const next = yield* subscription.next();
        log(`got ${next.value}`);
        seen.push(next.value as number);
      }
      return seen;
    },
  },
];

export const values: Scenario[] = [
  {
    name: "Err() of a non-Error wraps it in a ThrownValueError with the value as cause",
    *operation(api) {
      const result = api.Err<number>("plain string");
      if (result.ok) return "ok";
      const { error } = result;
      let rethrown: unknown;
      try {
        api.unbox(result);
      } catch (thrown) {
        rethrown = thrown;
      }
      return {
        isError: error instanceof Error,
        name: error.name,
        message: error.message,
        cause: error.cause,
        rethrown,
      };
    },
  },
  {
    name: "Err() of an Error keeps it",
    *operation(api) {
      const error = new RangeError("too big");
      const result = api.Err<number>(error);
      return !result.ok && result.error === error;
    },
  },
];

export const parityDifferences: Scenario[] = [
  {
    name: "each.next() outside of any each() loop throws MissingContextError",
    *operation(api) {
      yield* api.each.next();
    },
    differs: {
      reason: "the MissingContextError from each.next() says what was misused",
      skein: {
        log: [],
        outcome: {
          ok: false,
          name: "MissingContextError",
          message: "each.next() was called outside of an each() loop",
        },
      },
      effection: {
        log: [],
        outcome: { ok: false, name: "MissingContextError", message: "each" },
      },
    },
  },
  {
    name: "using() a value that is not disposable throws a TypeError",
    *operation(api, log) {
      try {
        yield* api.using({} as Disposable);
      } catch (error) {
        log(`is a TypeError: ${error instanceof TypeError}`);
        throw error;
      }
    },
    differs: {
      reason: "the TypeError is a NotDisposableError (code not-disposable) that keeps the value",
      skein: {
        log: ["is a TypeError: true"],
        outcome: {
          ok: false,
          name: "NotDisposableError",
          message: "using() value must implement Symbol.dispose or Symbol.asyncDispose",
        },
      },
      effection: {
        log: ["is a TypeError: true"],
        outcome: {
          ok: false,
          name: "TypeError",
          message: "using() value must implement Symbol.dispose or Symbol.asyncDispose",
        },
      },
    },
  },
];
