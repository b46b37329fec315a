import * as skein from "@skein/core";
import { type Db, sql, usePostgres } from "@skein/postgres";
import pg from "pg";
import postgres from "postgres";
import { count } from "../format.js";
import { collectGarbage, type Row, type RowOptions, type RowResult } from "../harness.js";
import { ownCpuMs } from "../http-load.js";

/** Connections in each client's pool. */
const CONNECTIONS = 10;
/** Concurrent callers, so every pool always has queries waiting for a connection. */
const CALLERS = 100;
/** How long the row waits for the server to answer before it fails. */
const CONNECT_TIMEOUT_S = 5;
/** How long one timed part may take before the row fails instead of hanging. */
const STALL_MS = 120_000;

/** Where the row's server is: host, port, user, database and password. */
export interface BenchServer {
  host: string;
  port: number;
  user: string;
  database: string;
  password: string | undefined;
}

/**
 * The server the row measures: `DATABASE_URL`, else `PGHOST`, `PGPORT`, `PGUSER`,
 * `PGDATABASE`, `PGPASSWORD`, each missing setting taking the bench default (127.0.0.1:5432,
 * user postgres, database test).
 *
 * @param env - where the variables are read
 * @returns the connection settings
 */
export function benchServer(
  env: Readonly<Record<string, string | undefined>> = process.env,
): BenchServer {
  const fallback: BenchServer = {
    host: env.PGHOST ?? "127.0.0.1",
    port: Number(env.PGPORT ?? 5432),
    user: env.PGUSER ?? "postgres",
    database: env.PGDATABASE ?? "test",
    password: env.PGPASSWORD,
  };
  if (env.DATABASE_URL === undefined) return fallback;
  const url = new URL(env.DATABASE_URL);
  const part = (value: string) => (value === "" ? undefined : decodeURIComponent(value));
  return {
    host: part(url.hostname) ?? fallback.host,
    port: url.port === "" ? fallback.port : Number(url.port),
    user: part(url.username) ?? fallback.user,
    database: part(url.pathname.slice(1)) ?? fallback.database,
    password: part(url.password) ?? fallback.password,
  };
}

const where = (server: BenchServer) =>
  `${server.user}@${server.host}:${server.port}/${server.database}`;

function rawClient(server: BenchServer, max: number, applicationName = "skein_bench") {
  return postgres({
    host: server.host,
    port: server.port,
    username: server.user,
    database: server.database,
    ...(server.password === undefined ? {} : { password: server.password }),
    max,
    connect_timeout: CONNECT_TIMEOUT_S,
    onnotice: () => {},
    connection: { application_name: applicationName },
  });
}

/** A `@skein/postgres` pool on the bench server, like {@link rawClient}'s. */
function skeinClient(server: BenchServer, max: number, applicationName: string) {
  return usePostgres({
    host: server.host,
    port: server.port,
    user: server.user,
    database: server.database,
    ...(server.password === undefined ? {} : { password: server.password }),
    max,
    connectTimeout: CONNECT_TIMEOUT_S * 1000,
    applicationName,
  });
}

/** Fail at once, with what to do about it, when no server answers. */
async function probe(server: BenchServer): Promise<void> {
  const client = rawClient(server, 1);
  try {
    await client`select 1`;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `postgres row: no PostgreSQL server answered at ${where(server)} (${reason}). Start one there, or point DATABASE_URL or PGHOST/PGPORT/PGUSER/PGDATABASE at one, or leave the row out: pnpm bench <other rows>.`,
    );
  } finally {
    await client.end({ timeout: 0 });
  }
}

/** Bound a timed part so a stall fails the row instead of hanging the run. */
function* bounded<T>(what: string, operation: skein.Operation<T>): skein.Operation<T> {
  try {
    return yield* skein.timeout(STALL_MS, operation);
  } catch (error) {
    if (error instanceof skein.TimeoutError) {
      throw new Error(`postgres row: ${what} did not finish within ${STALL_MS / 1000} s`);
    }
    throw error;
  }
}

function viaPostgresJs(client: postgres.Sql, n: number): Promise<void> {
  let started = 0;
  const caller = async () => {
    while (started < n) await client`select ${started++}::int as n`;
  };
  return Promise.all(Array.from({ length: Math.min(CALLERS, n) }, caller)).then(() => {});
}

function viaPg(pool: pg.Pool, n: number): Promise<void> {
  let started = 0;
  const caller = async () => {
    while (started < n) await pool.query("select $1::int as n", [started++]);
  };
  return Promise.all(Array.from({ length: Math.min(CALLERS, n) }, caller)).then(() => {});
}

function* viaSkein(db: Db, n: number): skein.Operation<void> {
  let started = 0;
  function* caller(): skein.Operation<void> {
    while (started < n) yield* db.query(sql`select ${started++}::int as n`);
  }
  const callers: skein.Task<void>[] = [];
  for (let i = 0; i < Math.min(CALLERS, n); i++) callers.push(yield* skein.spawn(caller));
  for (const task of callers) yield* task;
}

type Client = "postgresJs" | "pg" | "skein";

/** The fastest of the runs, wall time and this process's CPU time, per client. */
type Best = Record<Client, { ms: number; cpuMs: number }>;

/**
 * Run each client once to warm up (connections, prepared statements), then `runs` rounds of
 * all three, the order rotating each round, and keep each client's fastest run: the machine's
 * other load slows every client, and the minimum is the figure least disturbed by it.
 */
function* roundTrips(server: BenchServer, n: number, runs: number): skein.Operation<Best> {
  const raw = rawClient(server, CONNECTIONS);
  const pool = new pg.Pool({
    host: server.host,
    port: server.port,
    user: server.user,
    database: server.database,
    password: server.password,
    max: CONNECTIONS,
    connectionTimeoutMillis: CONNECT_TIMEOUT_S * 1000,
  });
  try {
    const db = yield* skeinClient(server, CONNECTIONS, "skein_bench");
    const bodies: Record<Client, () => skein.Operation<void>> = {
      postgresJs: () => skein.until(viaPostgresJs(raw, n)),
      pg: () => skein.until(viaPg(pool, n)),
      skein: () => viaSkein(db, n),
    };
    const order: Client[] = ["postgresJs", "pg", "skein"];
    const best: Best = {
      postgresJs: { ms: Infinity, cpuMs: Infinity },
      pg: { ms: Infinity, cpuMs: Infinity },
      skein: { ms: Infinity, cpuMs: Infinity },
    };
    for (let round = 0; round <= runs; round++) {
      for (let i = 0; i < order.length; i++) {
        const client = order[(i + round) % order.length]!;
        collectGarbage();
        const cpuBefore = ownCpuMs();
        const start = performance.now();
        yield* bounded(`${count(n)} round trips through ${client}`, bodies[client]());
        const ms = performance.now() - start;
        const cpuMs = ownCpuMs() - cpuBefore;
        if (round === 0) continue;
        best[client].ms = Math.min(best[client].ms, ms);
        best[client].cpuMs = Math.min(best[client].cpuMs, cpuMs);
      }
    }
    return best;
  } finally {
    yield* skein.until(Promise.all([raw.end({ timeout: 1 }), pool.end()]));
  }
}

/** Poll the server until the backend of `app` is in `state`; fails after `ms`. */
async function reach(
  admin: postgres.Sql,
  app: string,
  state: string,
  ms: number,
  pause: number,
): Promise<void> {
  const deadline = performance.now() + ms;
  for (;;) {
    const [row] = await admin`select state from pg_stat_activity where application_name = ${app}`;
    if (row?.state === state) return;
    if (performance.now() > deadline) {
      throw new Error(`postgres row: the backend of ${app} was not ${state} within ${ms} ms`);
    }
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

const SLEEPING = "active";

/**
 * Halt a running `select pg_sleep(10)` `samples` times through each client, alternating, and
 * time each halt until pg_stat_activity shows the backend idle. Skein halts the task running
 * `db.query()`, which sends the cancel and waits for the statement to end; raw postgres.js
 * calls `query.cancel()` and awaits the query's rejection. Each client has one connection, so
 * every sample's query runs on the connection the previous halt left behind.
 */
function* cancelLatency(
  server: BenchServer,
  samples: number,
): skein.Operation<Record<"postgresJs" | "skein", number[]>> {
  const skeinApp = `skein_bench_cancel_${process.pid}`;
  const rawApp = `skein_bench_cancel_raw_${process.pid}`;
  const admin = rawClient(server, 1, `skein_bench_admin_${process.pid}`);
  const raw = rawClient(server, 1, rawApp);
  try {
    const db = yield* skeinClient(server, 1, skeinApp);
    yield* db.query(sql`select 1`);
    yield* skein.until(raw`select 1`);
    const times = { postgresJs: [] as number[], skein: [] as number[] };
    for (let i = 0; i < samples; i++) {
      yield* bounded(
        "a halt of pg_sleep(10) through Skein",
        skein.scoped(function* () {
          const task = yield* skein.spawn(() => db.query(sql`select pg_sleep(10)`));
          yield* skein.until(reach(admin, skeinApp, SLEEPING, 10_000, 1));
          const start = performance.now();
          yield* task.halt();
          yield* skein.until(reach(admin, skeinApp, "idle", 10_000, 0));
          times.skein.push(performance.now() - start);
        }),
      );
      yield* bounded(
        "a cancel of pg_sleep(10) through postgres.js",
        skein.until(
          (async () => {
            const query = raw`select pg_sleep(10)`;
            const settled = query.then(
              () => {
                throw new Error("postgres row: pg_sleep(10) was not cancelled");
              },
              () => {},
            );
            await reach(admin, rawApp, SLEEPING, 10_000, 1);
            const start = performance.now();
            query.cancel();
            await settled;
            await reach(admin, rawApp, "idle", 10_000, 0);
            times.postgresJs.push(performance.now() - start);
          })(),
        ),
      );
    }
    // The connection every halt left behind still answers.
    const [row] = yield* db.query<{ ok: number }>(sql`select 1 as ok`);
    if (row?.ok !== 1)
      throw new Error("postgres row: the connection was not clean after the halts");
    return times;
  } finally {
    yield* skein.until(Promise.all([raw.end({ timeout: 1 }), admin.end({ timeout: 1 })]));
  }
}

/**
 * The nearest-rank percentile.
 *
 * @param samples - at least one number
 * @param p - the percentile, 0 to 100
 * @returns the sample at that rank
 */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

/** Halts timed for a row of size `n`: 50 at the default 20k, a few in the smoke test. */
const samplesFor = (n: number) => Math.max(3, Math.min(50, Math.round(n / 400)));

/**
 * Rows: N `SELECT $1::int` round trips from 100 callers over 10 connections through raw
 * postgres.js (floor), `pg`'s Pool (Promise) and `@skein/postgres` (Skein), wall and CPU time;
 * then the median and p99 latency of halting a running `pg_sleep(10)` until its backend is
 * idle, Skein against postgres.js's own `cancel()`. Needs a PostgreSQL server.
 */
export async function measurePostgres({ n, runs }: RowOptions): Promise<RowResult[]> {
  const server = benchServer();
  await probe(server);
  const samples = samplesFor(n);
  const { best, halts } = await skein.run(function* () {
    const best = yield* roundTrips(server, n, runs);
    const halts = yield* cancelLatency(server, samples);
    return { best, halts };
  });
  const vsRaw = (best.postgresJs.ms / best.skein.ms).toFixed(2);
  const vsPg = (best.pg.ms / best.skein.ms).toFixed(2);
  const note = `Postgres rows: the server at ${where(server)} (DATABASE_URL or PG*, else 127.0.0.1:5432 postgres/test); ${CONNECTIONS} connections per client and ${CALLERS} concurrent callers; floor = raw postgres.js (sql\`select \${i}::int\`, prepared and pipelined, its defaults), Promise = pg's Pool (pool.query(text, [i]), unnamed statements, its default), Skein = @skein/postgres (db.query(sql\`...\`), prepared, and pipelined on busy connections, its defaults); each figure is the fastest of ${runs} rounds run in rotating order after a warmup round, since other load on the machine only ever slows a run`;
  const cancelNote = `cancel latency: from the halt (Skein: task.halt() of the task in db.query(); postgres.js: query.cancel(), then awaiting the query's rejection) until pg_stat_activity shows the backend idle, polled from a third connection; ${samples} halts of a running pg_sleep(10) per client, alternating, each on the one connection the previous halt left behind`;
  const latency = (label: string, p: number): RowResult => ({
    label,
    unit: "latency ms",
    n,
    item: "halt",
    figures: {
      floor: { value: percentile(halts.postgresJs, p), note: cancelNote },
      skein: { value: percentile(halts.skein, p) },
    },
  });
  return [
    {
      label: `Postgres: ${count(n)} SELECT $1::int, ${CONNECTIONS} connections, Skein at ${vsRaw}x raw postgres.js q/s and ${vsPg}x pg (floor = postgres.js, Promise = pg)`,
      unit: "ms",
      n,
      item: "query",
      figures: {
        floor: { value: best.postgresJs.ms, note },
        promise: { value: best.pg.ms },
        skein: { value: best.skein.ms },
      },
    },
    {
      label: "Postgres: CPU time of the client process",
      unit: "ms",
      n,
      item: "query",
      figures: {
        floor: { value: best.postgresJs.cpuMs, note },
        promise: { value: best.pg.cpuMs },
        skein: { value: best.skein.cpuMs },
      },
    },
    latency(`Postgres: cancel latency, median of ${samples} halts of pg_sleep(10)`, 50),
    latency(`Postgres: cancel latency, p99 of ${samples} halts of pg_sleep(10)`, 99),
  ];
}

export const postgresRow: Row = {
  id: "postgres",
  defaults: { n: 20_000, effectionN: 20_000, runs: 5 },
  measure: measurePostgres,
};
