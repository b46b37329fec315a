import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { all } from "./all.js";
import { canFollowFrames } from "./engine/frames.js";
import { HaltError } from "./errors.js";
import { createQueue } from "./queue.js";
import { race } from "./race.js";
import { resource } from "./resource.js";
import { retry } from "./retry.js";
import { run } from "./run.js";
import { scoped } from "./scoped.js";
import { createSemaphore } from "./semaphore.js";
import { sleep } from "./sleep.js";
import { spawn } from "./spawn.js";
import { supervisorGroup } from "./supervisor-group.js";
import { suppressedErrors } from "./suppressed.js";
import { suspend } from "./suspend.js";
import { TaskGroupError, taskGroup } from "./task-group.js";
import { TimeoutError, timeout } from "./timeout.js";
import type { Operation } from "./types.js";

// Halt-anywhere property tests: random operation trees, halted at a random moment, must
// settle within a bound of program steps, with every entered `finally` finished in reverse
// order of entry (per task, and a scope's children before the code around the scope goes on),
// nothing left running, and only errors the program threw. FUZZ_RUNS sets how many programs
// to try (default 200).

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
/** FUZZ_SEED: replay one seed (fast-check prints it with a failure). */
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

type Node =
  | { kind: "sleep"; ms: number }
  | { kind: "suspend" }
  | { kind: "throw" }
  | { kind: "seq"; body: Node[] }
  | { kind: "spawn"; body: Node }
  | { kind: "scoped"; body: Node }
  | { kind: "group"; supervised: boolean; body: Node[] }
  | { kind: "all"; body: Node[] }
  | { kind: "race"; body: Node[] }
  | { kind: "timeout"; ms: number; body: Node }
  | { kind: "retry"; body: Node }
  | { kind: "try"; body: Node; cleanup: Node; catches: boolean }
  | { kind: "resource"; setup: Node; cleanup: Node }
  | { kind: "permit"; body: Node }
  | { kind: "queue" };

/** Cleanup that ends on its own: waits, spawned helpers that finish, and failures. */
const cleanupNode: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ kind: fc.constant("sleep" as const), ms: fc.integer({ min: 0, max: 2 }) }),
    fc.record({ kind: fc.constant("throw" as const) }),
    fc.record({ kind: fc.constant("seq" as const), body: fc.array(tie("node"), { maxLength: 3 }) }),
    fc.record({ kind: fc.constant("spawn" as const), body: tie("node") }),
    fc.record({ kind: fc.constant("scoped" as const), body: tie("node") }),
    fc.record({
      kind: fc.constant("all" as const),
      body: fc.array(tie("node"), { minLength: 1, maxLength: 2 }),
    }),
  ),
})).node;

const node: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ kind: fc.constant("sleep" as const), ms: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ kind: fc.constant("suspend" as const) }),
    fc.record({ kind: fc.constant("throw" as const) }),
    fc.record({ kind: fc.constant("queue" as const) }),
    fc.record({ kind: fc.constant("seq" as const), body: fc.array(tie("node"), { maxLength: 3 }) }),
    fc.record({ kind: fc.constant("spawn" as const), body: tie("node") }),
    fc.record({ kind: fc.constant("scoped" as const), body: tie("node") }),
    fc.record({
      kind: fc.constant("group" as const),
      supervised: fc.boolean(),
      body: fc.array(tie("node"), { maxLength: 3 }),
    }),
    fc.record({
      kind: fc.constant("all" as const),
      body: fc.array(tie("node"), { minLength: 1, maxLength: 3 }),
    }),
    fc.record({
      kind: fc.constant("race" as const),
      body: fc.array(tie("node"), { minLength: 1, maxLength: 3 }),
    }),
    fc.record({
      kind: fc.constant("timeout" as const),
      ms: fc.integer({ min: 0, max: 3 }),
      body: tie("node"),
    }),
    fc.record({ kind: fc.constant("retry" as const), body: tie("node") }),
    fc.record({
      kind: fc.constant("try" as const),
      body: tie("node"),
      cleanup: cleanupNode,
      catches: fc.boolean(),
    }),
    fc.record({ kind: fc.constant("resource" as const), setup: cleanupNode, cleanup: cleanupNode }),
    fc.record({ kind: fc.constant("permit" as const), body: tie("node") }),
  ),
})).node;

/** What one run of a program did. */
interface Trace {
  /** Finally blocks entered and left, by id, in order. */
  events: string[];
  /** Errors the program threw on purpose. */
  thrown: Set<unknown>;
  /** Task bodies started and not yet ended. */
  alive: number;
  /** Program steps (operations started), in all and since the halt was asked for. */
  steps: number;
  stepsAfterHalt: number;
  halting: boolean;
  /** Broken orders of cleanup, described. */
  violations: string[];
}

/**
 * Where an operation runs: its task (`open` holds the ids of the finally blocks it is in,
 * innermost last), and the task lists of the scopes around it that end before the code around
 * them goes on (scoped, group, all, race, timeout): every task started inside one is added.
 */
interface Place {
  open: string[];
  scopes: Place["open"][][];
}

/** The most program steps a run may take: each node once per attempt of the retries around it. */
function stepBound(n: Node, attempts = 1): number {
  const inner = n.kind === "retry" ? attempts * 2 : attempts;
  const children: Node[] =
    "body" in n ? (Array.isArray(n.body) ? n.body : [n.body]) : n.kind === "resource" ? [] : [];
  if (n.kind === "try") children.push(n.cleanup);
  if (n.kind === "resource") children.push(n.setup, n.cleanup);
  // A queue wait also runs its feeder's step.
  let total = attempts * (n.kind === "queue" ? 2 : 1);
  for (const child of children) total += stepBound(child, inner);
  return total;
}

function program(root: Node, trace: Trace): () => Operation<void> {
  const semaphore = createSemaphore(1);
  const queue = createQueue<number, void>();
  let ids = 0;
  let feeds = 0;

  /** A new task, inside the scopes of `parent`. */
  function taskPlace(parent: Place | undefined): Place {
    const place: Place = { open: [], scopes: parent === undefined ? [] : parent.scopes };
    for (const tasks of place.scopes) tasks.push(place.open);
    return place;
  }

  function task(body: Node, parent: Place | undefined): () => Operation<void> {
    return function* () {
      trace.alive++;
      try {
        yield* operation(body, taskPlace(parent));
      } finally {
        trace.alive--;
      }
    };
  }

  /** `body` inside a scope that must have ended every task started in it when it returns. */
  function* inScope(
    what: string,
    place: Place,
    body: (inside: Place) => Operation<void>,
  ): Operation<void> {
    const tasks: string[][] = [];
    try {
      yield* body({ open: place.open, scopes: [...place.scopes, tasks] });
    } finally {
      for (const open of tasks) {
        if (open.length > 0) trace.violations.push(`${what} went on with cleanup ${open} running`);
      }
    }
  }

  function* cleanup(id: string, n: Node, place: Place): Operation<void> {
    trace.events.push(`enter ${id}`);
    place.open.push(id);
    try {
      yield* operation(n, place);
    } finally {
      trace.events.push(`leave ${id}`);
      const last = place.open.pop();
      if (last !== id) trace.violations.push(`finally ${id} ended while ${last} was innermost`);
    }
  }

  function* operation(n: Node, place: Place): Operation<void> {
    trace.steps++;
    if (trace.halting) trace.stepsAfterHalt++;
    switch (n.kind) {
      case "sleep":
        return yield* sleep(n.ms);
      case "suspend":
        return yield* suspend();
      case "throw": {
        const error = new Error(`thrown ${ids++}`);
        trace.thrown.add(error);
        throw error;
      }
      case "queue": {
        // Take one item; the item is fed by a helper, so the wait ends.
        const value = feeds++;
        yield* spawn(function* () {
          trace.steps++;
          if (trace.halting) trace.stepsAfterHalt++;
          yield* sleep(1);
          queue.add(value);
        });
        yield* queue.next();
        return;
      }
      case "seq":
        for (const child of n.body) yield* operation(child, place);
        return;
      case "spawn":
        yield* spawn(task(n.body, place));
        return;
      case "scoped":
        return yield* inScope("scoped()", place, (inside) => scoped(task(n.body, inside)));
      case "group": {
        return yield* inScope("a task group", place, function* (inside) {
          const body = function* (group: {
            spawn(op: () => Operation<void>): Operation<unknown>;
          }): Operation<void> {
            for (const child of n.body) yield* group.spawn(task(child, inside));
          };
          if (n.supervised) yield* supervisorGroup({ onError() {} }, body);
          else yield* taskGroup(body);
        });
      }
      case "all":
        return yield* inScope("all()", place, function* (inside) {
          yield* all(n.body.map((child) => task(child, inside)()));
        });
      case "race":
        return yield* inScope("race()", place, function* (inside) {
          yield* race(n.body.map((child) => task(child, inside)()));
        });
      case "timeout":
        return yield* inScope("timeout()", place, (inside) =>
          timeout(n.ms, task(n.body, inside)()),
        );
      case "retry":
        return yield* retry(() => operation(n.body, place), { attempts: 2, sleep: () => sleep(0) });
      case "permit":
        return yield* semaphore.withPermit(() => operation(n.body, place));
      case "resource": {
        const id = String(ids++);
        yield* resource<void>(function* (provide) {
          const own = taskPlace(place);
          yield* operation(n.setup, own);
          try {
            yield* provide();
          } finally {
            yield* cleanup(id, n.cleanup, own);
          }
        });
        return;
      }
      case "try": {
        const id = String(ids++);
        try {
          yield* operation(n.body, place);
        } catch (error) {
          if (!n.catches) throw error;
        } finally {
          yield* cleanup(id, n.cleanup, place);
        }
      }
    }
  }

  return task(root, undefined);
}

/** Whether `error` is one the program threw, or one Skein makes from those (or from halts). */
function expected(error: unknown, trace: Trace): boolean {
  if (trace.thrown.has(error)) return true;
  if (error instanceof HaltError || error instanceof TimeoutError) return true;
  if (error instanceof TaskGroupError) return error.errors.every((e) => expected(e, trace));
  return false;
}

function turns(n: number): Promise<void> {
  return new Promise((resolve) => {
    let left = n;
    const next = () => (left-- <= 0 ? resolve() : setImmediate(next));
    next();
  });
}

/** Settle `promise` or fail after `ms`: the hang check. */
function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, hang]).finally(() => clearTimeout(timer));
}

async function check(root: Node, haltAfter: number): Promise<void> {
  const trace: Trace = {
    events: [],
    thrown: new Set(),
    alive: 0,
    steps: 0,
    stepsAfterHalt: 0,
    halting: false,
    violations: [],
  };
  const timersBefore = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
  const task = run(program(root, trace));
  const outcome = task.then(
    () => ({ ok: true as const }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  await turns(haltAfter);
  trace.halting = true;
  let haltError: unknown;
  await within(
    2_000,
    task.halt().then(
      () => undefined,
      (error: unknown) => {
        haltError = error;
      },
    ),
    "task.halt()",
  );
  const settled = await within(2_000, outcome, "the task's promise");

  // The halt took a bounded number of steps: no part of the program started over, or ran a
  // step more often than the retries around it allow.
  const bound = stepBound(root);
  expect(trace.steps, "program steps in all").toBeLessThanOrEqual(bound);
  expect(trace.stepsAfterHalt, "program steps after the halt").toBeLessThanOrEqual(bound);

  // Every finally that was entered ran to its end, in reverse order of entry: in each task the
  // innermost first, and a scope's tasks before the code around the scope went on.
  expect(trace.violations, "cleanup out of order").toEqual([]);
  const open: string[] = [];
  const entered = new Set<string>();
  for (const event of trace.events) {
    const [what, id] = event.split(" ") as [string, string];
    if (what === "enter") entered.add(id);
    else expect(entered.has(id), `left ${id} without entering`).toBe(true);
    if (what === "enter") open.push(id);
    else open.splice(open.lastIndexOf(id), 1);
  }
  expect(open, "finally blocks entered and never finished").toEqual([]);

  // No task outlives the run, and no timer is left behind.
  expect(trace.alive, "task bodies still running").toBe(0);
  const timersAfter = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
  expect(timersAfter, "timers left running").toBeLessThanOrEqual(timersBefore);

  // Only errors the program threw come out, and so do the ones attached to them.
  for (const error of [haltError, settled.ok ? undefined : settled.error]) {
    if (error === undefined) continue;
    expect(expected(error, trace), `unexpected error ${String(error)}`).toBe(true);
    for (const later of suppressedErrors(error)) {
      expect(expected(later, trace), `unexpected suppressed ${String(later)}`).toBe(true);
    }
  }
}

/**
 * Where the generator prototype is frozen, the frames of a `yield*` chain are hidden: after a
 * halt-entered `finally` that yields in a delegated operation ends, the operation that
 * delegated to it carries on as if it had returned (docs/differences.md), and a wait forever
 * there keeps the halt waiting too. There the programs end such waits on their own instead.
 */
function withoutWaitsForever(n: Node): Node {
  if (n.kind === "suspend") return { kind: "sleep", ms: 1 };
  const copy = { ...n } as Node & { body?: Node | Node[]; cleanup?: Node; setup?: Node };
  if (Array.isArray(copy.body)) copy.body = copy.body.map(withoutWaitsForever);
  else if (copy.body !== undefined) copy.body = withoutWaitsForever(copy.body);
  if (copy.cleanup !== undefined) copy.cleanup = withoutWaitsForever(copy.cleanup);
  if (copy.setup !== undefined) copy.setup = withoutWaitsForever(copy.setup);
  return copy;
}

const framesHidden = !canFollowFrames();
const programs = framesHidden ? node.map(withoutWaitsForever) : node;

/** Counterexamples the property found, replayed on every run: [name, program, halt after]. */
const found: [string, Node, number][] = [
  [
    // Found with the frames hidden, where the `seq` carried on to `suspend` after the halt.
    "a halt that enters a finally waiting in all() in a delegated operation",
    {
      kind: "seq",
      body: [
        {
          kind: "try",
          body: { kind: "sleep", ms: 0 },
          cleanup: {
            kind: "all",
            body: [
              { kind: "sleep", ms: 2 },
              { kind: "sleep", ms: 1 },
            ],
          },
          catches: true,
        },
        {
          kind: "race",
          body: [
            { kind: "group", supervised: false, body: [{ kind: "sleep", ms: 3 }] },
            { kind: "sleep", ms: 2 },
          ],
        },
        { kind: "permit", body: { kind: "suspend" } },
      ],
    },
    2,
  ],
];

describe("halt anywhere", () => {
  for (const [name, root, haltAfter] of found) {
    const hidden = framesHidden ? " (frames hidden: its waits forever end)" : "";
    it(`settles ${name}${hidden}`, () =>
      check(framesHidden ? withoutWaitsForever(root) : root, haltAfter));
  }

  it(`settles every halt with its cleanup done, over ${RUNS} random programs`, async () => {
    await fc.assert(
      fc.asyncProperty(programs, fc.integer({ min: 0, max: 12 }), (root, haltAfter) =>
        check(root, haltAfter),
      ),
      { numRuns: RUNS, endOnFailure: true, seed: SEED },
    );
  }, 600_000);
});
