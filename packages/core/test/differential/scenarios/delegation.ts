import type { Api, Difference, Log, Scenario } from "../harness.js";

/**
 * Delegates `depth` levels deep with `yield*`; every level's finally sleeps before it ends, and
 * every level logs if it is resumed after the level below it returns.
 */
function* nested(api: Api, log: Log, depth: number): Generator<unknown, void, any> {
  try {
    if (depth === 0) {
      log("innermost suspended");
      yield* api.suspend();
    } else {
      yield* nested(api, log, depth - 1);
      log(`level ${depth} resumed`);
    }
  } finally {
    log(`finally ${depth} start`);
    yield* api.sleep(1);
    log(`finally ${depth} end`);
  }
}

/** Runs `nested()` as a task body with statements after it, halts the task, logs what ran. */
function* haltNested(api: Api, log: Log, depth: number): Generator<unknown, void, any> {
  const task = yield* api.spawn(function* () {
    yield* nested(api, log, depth);
    log("task body resumed after the halt");
    yield* api.sleep(1);
    log("task body went on past another yield");
  });
  yield* api.sleep(0);
  yield* task.halt();
  log("halt returned");
}

/** The log of `nested(depth)` unwinding: every finally, innermost first; `leaking` adds the
 * "resumed" lines of a halt that turned into a normal return after the first async finally. */
function unwound(depth: number, leaking: boolean): string[] {
  const log = ["innermost suspended", "finally 0 start", "finally 0 end"];
  for (let level = 1; level <= depth; level++) {
    if (leaking) log.push(`level ${level} resumed`);
    log.push(`finally ${level} start`, `finally ${level} end`);
  }
  return log;
}

const ISSUE_1190 =
  "effection #1190: after an async finally in a yield*-delegated operation, a halt turns into a normal return";

function haltNestedDifference(depth: number): Difference {
  return {
    reason: ISSUE_1190,
    needsFrames: true,
    skein: {
      log: [...unwound(depth, false), "halt returned"],
      outcome: { ok: true, value: undefined },
    },
    effection: {
      log: [
        ...unwound(depth, true),
        "task body resumed after the halt",
        "task body went on past another yield",
        "halt returned",
      ],
      outcome: { ok: true, value: undefined },
    },
  };
}

export const delegation: Scenario[] = [
  {
    name: "a halt runs async finally in a yield*-delegated operation 1 level deep",
    operation: (api, log) => haltNested(api, log, 1),
    differs: haltNestedDifference(1),
  },
  {
    name: "a halt runs async finally in yield*-delegated operations 3 levels deep",
    operation: (api, log) => haltNested(api, log, 3),
    differs: haltNestedDifference(3),
  },
  {
    name: "a halt runs async finally in yield*-delegated operations 10 levels deep",
    operation: (api, log) => haltNested(api, log, 10),
    differs: haltNestedDifference(10),
  },
  {
    name: "a returning parent runs async finally in a delegated child 3 levels deep",
    *operation(api, log) {
      yield* api.spawn(() => nested(api, log, 3));
      yield* api.sleep(0);
      log("parent returning");
    },
    differs: {
      reason: ISSUE_1190,
      needsFrames: true,
      skein: {
        log: ["innermost suspended", "parent returning", ...unwound(3, false).slice(1)],
        outcome: { ok: true, value: undefined },
      },
      effection: {
        log: ["innermost suspended", "parent returning", ...unwound(3, true).slice(1)],
        outcome: { ok: true, value: undefined },
      },
    },
  },
  {
    name: "a race loser runs async finally in delegated operations 3 levels deep",
    *operation(api, log) {
      const winner = yield* api.race<unknown>([
        nested(api, log, 3),
        (function* () {
          yield* api.sleep(1);
          return "winner";
        })(),
      ]);
      log(`race returned ${winner}`);
    },
    differs: {
      reason: ISSUE_1190,
      needsFrames: true,
      skein: {
        log: [...unwound(3, false), "race returned winner"],
        outcome: { ok: true, value: undefined },
      },
      effection: {
        log: [...unwound(3, true), "race returned winner"],
        outcome: { ok: true, value: undefined },
      },
    },
  },
];
