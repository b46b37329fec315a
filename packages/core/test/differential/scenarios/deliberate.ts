import type { Scenario } from "../harness.js";
import { childThenHalt, message, waiter } from "./fixtures.js";

export const deliberate: Scenario[] = [
  {
    name: "expect() on a context with no value throws MissingContextError",
    *operation(api) {
      yield* api.createContext<string>("differential.unset").expect();
    },
    differs: {
      reason: "MissingContextError's message is a sentence naming the context",
      skein: {
        log: [],
        outcome: {
          ok: false,
          name: "MissingContextError",
          message: 'no value for context "differential.unset"',
        },
      },
      effection: {
        log: [],
        outcome: { ok: false, name: "MissingContextError", message: "differential.unset" },
      },
    },
  },
  {
    name: "a halted task awaited as a promise rejects",
    async promise(api, log) {
      const task = api.run(() => waiter(api, log, "task"));
      await task.halt();
      try {
        await task;
      } catch (error) {
        log(`rejected ${message(error)}`);
        throw error;
      }
    },
    differs: {
      reason: "a halted task rejects with HaltError (code halted), not a plain Error",
      skein: {
        log: ["task started", "task finally", "rejected halted"],
        outcome: { ok: false, name: "HaltError", message: "halted" },
      },
      effection: {
        log: ["task started", "task finally", "rejected halted"],
        outcome: { ok: false, name: "Error", message: "halted" },
      },
    },
  },
  {
    name: "a halted child joined with yield* throws",
    *operation(api, log) {
      const task = yield* childThenHalt(api, log);
      yield* task.halt();
      yield* task;
    },
    differs: {
      reason: "a halted task rejects with HaltError (code halted), not a plain Error",
      skein: {
        log: ["child started", "child finally"],
        outcome: { ok: false, name: "HaltError", message: "halted" },
      },
      effection: {
        log: ["child started", "child finally"],
        outcome: { ok: false, name: "Error", message: "halted" },
      },
    },
  },
  {
    name: "task.halt() acts when called, before its future is awaited",
    *operation(api, log) {
      const task = yield* childThenHalt(api, log);
      task.halt();
      log("halt() called");
      yield* api.sleep(5);
      log("slept");
      yield* task.halt();
      log("halt awaited");
    },
    differs: {
      reason: "task.halt() is eager, effection's is lazy",
      skein: {
        log: ["child started", "halt() called", "child finally", "slept", "halt awaited"],
        outcome: { ok: true, value: undefined },
      },
      effection: {
        log: ["child started", "halt() called", "slept", "child finally", "halt awaited"],
        outcome: { ok: true, value: undefined },
      },
    },
  },
];
