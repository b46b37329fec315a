import { all, type Operation, scoped, sleep, spawn, timeout } from "@skein/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Fault, useFaultProxy } from "../test/fault-proxy.js";
import { audit, createLedger, perform, type Step, step } from "../test/fault-workload.js";
import { type Phases, runInPhases } from "../test/phase-watchdog.js";
import { pollUntil, serverConfigured, statesOf } from "../test/server.js";
import { nameOf } from "../test/suite.js";
import { sql, usePostgres } from "./mod.js";

// Halt-anywhere under network faults: lanes of random steps run through a TCP proxy, a fault
// is armed at a random byte, and the lanes are halted at a random moment. FUZZ_RUNS sets how
// many runs to try (a run takes 2 to 8 s, as a stalled halt waits out the package's bounds,
// 2 s each, and a COPY's 10 s). FUZZ_SEED and FUZZ_PATH replay a failure fast-check reported.
// Every phase of a run is bounded by a watchdog (test/phase-watchdog.ts) that fails naming the
// phase, the seed and what is pending: a halt that never finished (issue 14) used to run into
// the test's own limit with nothing to show.
//
// By default the fixed example below runs (fast-check counts it as the first run) and two
// random ones, a new seed each time; larger batches are opt-in with FUZZ_RUNS.

const RUNS = Number(process.env.FUZZ_RUNS ?? 3);

/**
 * How long halting one lane may take. A hang detector, not a latency claim: the package's own
 * bounds are about 4 s for a query (2 s of cancel requests, 2 s for them to finish) and 12 s for
 * COPY (2 s, then 10 s for the connection to be ready), and on a loaded machine (two busy loops
 * beside the test) a COPY TO halted under an upstream stall took over 14 s (`FUZZ_SEED=7
 * FUZZ_PATH=14`). 30 s is the 12 s plus as much again for load and some more; a halt that hangs
 * still fails it. A scope halts its children one at a time, so the lanes' bounds add up (the
 * halt phase's watchdog bound is their sum plus `SLACK_MS`).
 */
const LANE_BOUND_MS = 30_000;

/** How long the pool may take to answer on every connection once the fault is gone. */
const RECOVERY_MS = 15_000;

const MAX = 2;

/** Bounds of the other phases of a trial, for the watchdog that names a phase that hangs. */
const SETUP_MS = 10_000;
const SLACK_MS = 3_000;
/** `pollUntil` with 2000 tries: 5 ms apart plus a query each. */
const POLL_MS = 40_000;

const fault: fc.Arbitrary<Fault> = fc.record({
  direction: fc.constantFrom("up" as const, "down" as const),
  at: fc.oneof(
    fc.constant(0),
    fc.integer({ min: 1, max: 200 }),
    fc.integer({ min: 200, max: 60_000 }),
  ),
  kind: fc.constantFrom("stall" as const, "trickle" as const, "reset" as const),
  every: fc.integer({ min: 1, max: 10 }),
});

const lanes: fc.Arbitrary<Step[][]> = fc.array(fc.array(step, { minLength: 1, maxLength: 5 }), {
  minLength: 1,
  maxLength: 3,
});

interface Outcome {
  halt: number;
  problems: string[];
}

function* trial(
  target: { host: string; port: number },
  work: Step[][],
  armed: Fault,
  haltAfter: number,
  index: number,
  phases: Phases,
): Operation<Outcome> {
  phases.enter("setup", SETUP_MS);
  const proxy = yield* useFaultProxy(target);
  const admin = yield* usePostgres({ ...target, applicationName: nameOf("admin"), max: 1 });
  const table = nameOf("faults");
  yield* admin.query(sql`drop table if exists ${sql.id(table)}`);
  yield* admin.query(sql`create table ${sql.id(table)} (id int primary key, grp int, v text)`);
  const ledger = createLedger();
  const app = nameOf(`app${index}`);
  const outcome = yield* scoped(function* () {
    const db = yield* usePostgres({
      host: "127.0.0.1",
      port: proxy.port,
      applicationName: app,
      max: MAX,
      connectTimeout: 5_000,
    });
    yield* db.query(sql`select 1`);
    // What each lane is doing, for the report of a phase that overruns.
    const doing: (string | undefined)[] = work.map(() => undefined);
    phases.describe("lanes", () =>
      doing.map((step, lane) => `${lane} ${step ?? "between steps"}`).join("; "),
    );
    phases.describe("pool", () => JSON.stringify(db.stats()));
    phases.describe("proxy", () => `${proxy.open()} connections open`);
    const task = yield* spawn(() =>
      all(
        work.map((steps, lane) =>
          (function* (): Operation<void> {
            const channel = `${table}_${lane}`;
            for (;;) {
              for (const [index, next] of steps.entries()) {
                doing[lane] = `step ${index} ${JSON.stringify(next)}`;
                try {
                  // In a scope of its own: a cursor or COPY that fails before its first row
                  // fails the task `each()` starts for it, which a try/catch does not catch.
                  yield* scoped(() => perform(db, table, channel, ledger, next));
                } catch {
                  // A fault fails a step now and then; the lane goes on with the next.
                  yield* sleep(1);
                } finally {
                  doing[lane] = undefined;
                }
              }
            }
          })(),
        ),
      ),
    );
    phases.enter("workload", haltAfter + SETUP_MS);
    proxy.inject(armed);
    yield* sleep(haltAfter);
    const started = performance.now();
    // The watchdog's bound is a little longer, so that a halt that does not finish in time
    // fails with the TimeoutError when the teardown after it finishes.
    phases.enter("halt", LANE_BOUND_MS * work.length + SLACK_MS);
    yield* timeout(LANE_BOUND_MS * work.length, task.halt());
    const halt = performance.now() - started;
    proxy.inject(undefined);

    const problems: string[] = [];
    const stats = db.stats();
    if (stats.busy !== 0 || stats.waiting !== 0) {
      problems.push(`the pool is not free after the halt: ${JSON.stringify(stats)}`);
    }
    // Full strength: MAX transactions at once, one per connection.
    phases.enter("max transactions on distinct backends", RECOVERY_MS + SLACK_MS);
    const pids = yield* timeout(
      RECOVERY_MS,
      all(
        Array.from({ length: MAX }, () =>
          db.transaction(function* (tx) {
            const [row] = yield* tx.query<{ pid: number }>(
              sql`select pg_backend_pid() as pid, pg_sleep(${0.05})`,
            );
            return row?.pid;
          }),
        ),
      ),
    );
    if (new Set(pids).size !== MAX) problems.push(`the pool answered on ${pids} only`);
    phases.enter("LISTEN still hears", RECOVERY_MS + SLACK_MS);
    const channel = `${table}_after`;
    const payload = yield* timeout(
      RECOVERY_MS,
      (function* () {
        const subscription = yield* db.listen(channel);
        yield* db.notify(channel, "after");
        return yield* subscription.next();
      })(),
    );
    if (payload.value !== "after") problems.push(`LISTEN got ${String(payload.value)}`);
    // Idle on the server: no statement running, no transaction open.
    phases.enter("server idle", POLL_MS);
    yield* pollUntil(
      () => statesOf(admin, app),
      (states) => states.every((state) => state === "idle"),
      2_000,
    );
    phases.enter("closing the pool", SETUP_MS);
    return { halt, problems };
  });
  phases.enter("audit", SETUP_MS);
  outcome.problems.push(...(yield* audit(admin, table, ledger)));
  // Every socket through the proxy closed with the pool.
  phases.enter("proxy sockets closed", POLL_MS);
  yield* pollUntil(
    function* () {
      return proxy.open();
    },
    (open) => open === 0,
    2_000,
  );
  phases.enter("teardown (table, admin, proxy)", SETUP_MS);
  yield* admin.query(sql`drop table ${sql.id(table)}`);
  return outcome;
}

describe.runIf(serverConfigured)("halting anywhere under network faults", () => {
  it("settles every halt within the bound and leaves the pool whole, the server idle and committed data intact", async () => {
    const target = {
      host: process.env.PGHOST ?? "127.0.0.1",
      port: Number(process.env.PGPORT ?? 5432),
    };
    const halts: number[] = [];
    // Chosen here rather than by fast-check so that a hang's report can name it.
    const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
    await fc.assert(
      fc.asyncProperty(lanes, fault, fc.integer({ min: 0, max: 300 }), async (work, armed, at) => {
        const label = `run ${halts.length + 1} of FUZZ_SEED=${seed} (${JSON.stringify({ work, armed, at })})`;
        const outcome = await runInPhases(label, (phases) =>
          trial(target, work, armed, at, halts.length, phases),
        );
        halts.push(outcome.halt);
        expect(outcome.problems).toEqual([]);
      }),
      {
        numRuns: RUNS,
        endOnFailure: true,
        seed,
        path: process.env.FUZZ_PATH,
        // The case the first version of this test failed on: an upstream stall at byte 0.
        examples: [
          [
            [[{ kind: "cursor", rows: 3000 }], [{ kind: "transaction", rows: 2 }]],
            { direction: "up", at: 0, kind: "stall", every: 1 },
            250,
          ],
        ],
      },
    );
    const sorted = halts.sort((a, b) => a - b);
    console.log(
      `${halts.length} runs; halt median ${sorted[sorted.length >> 1]?.toFixed(0)} ms, max ${sorted.at(-1)?.toFixed(0)} ms`,
    );
  }, 600_000);
});
