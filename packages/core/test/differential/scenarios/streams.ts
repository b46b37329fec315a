import type { Scenario } from "../harness.js";
import { LoggingTarget } from "./fixtures.js";

export const streams: Scenario[] = [
  {
    name: "a channel delivers messages in order, then its close value",
    *operation(api, log) {
      const channel = api.createChannel<number, string>();
      const subscription = yield* channel;
      yield* api.spawn(function* () {
        yield* channel.send(1);
        yield* channel.send(2);
        yield* channel.close("closed");
      });
      const results: IteratorResult<number, string>[] = [];
      for (let i = 0; i < 3; i++) results.push(yield* subscription.next());
      log("received all");
      return results;
    },
  },
  {
    name: "a channel message sent before anyone subscribes is lost",
    *operation(api) {
      const channel = api.createChannel<string, void>();
      yield* channel.send("early");
      const subscription = yield* channel;
      yield* api.spawn(() => channel.send("late"));
      return yield* subscription.next();
    },
  },
  {
    name: "each loops over a channel until it closes",
    *operation(api, log) {
      const channel = api.createChannel<string, void>();
      yield* api.spawn(function* () {
        yield* api.sleep(0);
        for (const item of ["a", "b", "c"]) yield* channel.send(item);
        yield* channel.close();
      });
      for (const item of yield* api.each(channel)) {
        log(`item ${item}`);
        yield* api.each.next();
      }
      log("loop ended");
    },
  },
  {
    name: "breaking out of each releases the subscription",
    *operation(api, log) {
      const signal = api.createSignal<number, void>();
      yield* api.spawn(function* () {
        for (let i = 1; i <= 5; i++) {
          yield* api.sleep(1);
          signal.send(i);
        }
        signal.close();
      });
      for (const n of yield* api.each(signal)) {
        log(`got ${n}`);
        if (n === 2) break;
        yield* api.each.next();
      }
      log("after break");
      yield* api.sleep(10);
      log("done");
    },
  },
  {
    name: "each loops over a signal fed from plain callbacks",
    *operation(api, log) {
      const signal = api.createSignal<string, string>();
      let i = 0;
      const timer = setInterval(() => {
        i++;
        if (i <= 3) signal.send(`tick ${i}`);
        else signal.close("end");
      }, 1);
      try {
        for (const tick of yield* api.each(signal)) {
          log(tick);
          yield* api.each.next();
        }
      } finally {
        clearInterval(timer);
      }
      log("signal closed");
    },
  },
  {
    name: "nested each loops advance independently",
    *operation(api, log) {
      const outer = api.createChannel<string, void>();
      const inner = api.createChannel<number, void>();
      yield* api.spawn(function* () {
        yield* api.sleep(0);
        for (const name of ["x", "y"]) {
          yield* outer.send(name);
          yield* api.sleep(1);
          yield* inner.send(1);
          yield* inner.send(2);
          yield* inner.close();
        }
        yield* outer.close();
      });
      for (const name of yield* api.each(outer)) {
        for (const n of yield* api.each(inner)) {
          log(`${name}${n}`);
          yield* api.each.next();
        }
        log(`outer ${name} done`);
        yield* api.each.next();
      }
    },
  },
  {
    name: "a queue buffers items added before next()",
    *operation(api) {
      const queue = api.createQueue<number, string>();
      queue.add(1);
      queue.add(2);
      queue.close("closed");
      return [yield* queue.next(), yield* queue.next(), yield* queue.next()];
    },
  },
  {
    name: "a queue wakes a waiting consumer",
    *operation(api, log) {
      const queue = api.createQueue<string, void>();
      setTimeout(() => queue.add("later"), 1);
      const item = yield* queue.next();
      log(`got ${String(item.value)}`);
      return item;
    },
  },
  {
    name: "on streams an EventTarget's events and removes its listener at the end",
    *operation(api, log) {
      const target = new LoggingTarget(log);
      yield* api.scoped(function* () {
        const subscription = yield* api.on(target, "ping");
        target.dispatchEvent(new Event("ping"));
        target.dispatchEvent(new Event("ping"));
        for (let i = 0; i < 2; i++) {
          const next = yield* subscription.next();
          log(`event ${next.done ? "done" : next.value.type}`);
        }
      });
      log("scope ended");
    },
  },
  {
    name: "once waits for the next event",
    *operation(api, log) {
      const target = new LoggingTarget(log);
      setTimeout(() => target.dispatchEvent(new Event("ready")), 1);
      const event = yield* api.once(target, "ready");
      log(`got ${event.type}`);
    },
  },
  {
    name: "once on an AbortSignal resolves when it aborts",
    *operation(api, log) {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 1);
      yield* api.once(controller.signal, "abort");
      log(`aborted ${controller.signal.aborted}`);
    },
  },
  {
    name: "interval ticks until the loop breaks, then stops",
    *operation(api, log) {
      let ticks = 0;
      for (const _ of yield* api.each(api.interval(1))) {
        ticks++;
        log(`tick ${ticks}`);
        if (ticks === 3) break;
        yield* api.each.next();
      }
      return ticks;
    },
  },
];
