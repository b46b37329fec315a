import { all, type Operation, run } from "@skein/core";
import pg from "pg";
import postgres from "postgres";
import { type PostgresOptions, sql, usePostgres } from "../src/mod.js";

/** Options shared by the benchmark functions. */
export interface BenchOptions {
  /** Connection settings; default: the PG* environment. */
  connection?: PostgresOptions;
  /** Pool size and concurrent callers. Default 10. */
  connections?: number;
  /** Round trips in all. Default 20000. */
  queries?: number;
}

/** Time and throughput of one client. */
export interface RoundTripFigure {
  ms: number;
  perSecond: number;
}

/** `SELECT $1::int` round trips through Skein, raw postgres.js and `pg`'s Pool. */
export interface RoundTripFigures {
  skein: RoundTripFigure;
  postgresJs: RoundTripFigure;
  pg: RoundTripFigure;
}

function figure(queries: number, ms: number): RoundTripFigure {
  return { ms: Math.round(ms), perSecond: Math.round((queries / ms) * 1000) };
}

/**
 * Run `queries` round trips of `SELECT $1::int` from `connections` concurrent callers, each
 * on a pool of that size, through each client in turn (after a warm-up).
 *
 * @param options - connection settings and sizes
 * @returns the figures per client
 */
export async function benchRoundTrips(options: BenchOptions = {}): Promise<RoundTripFigures> {
  const connections = options.connections ?? 10;
  const queries = options.queries ?? 20_000;
  const perCaller = Math.ceil(queries / connections);
  const env = process.env;
  const host = options.connection?.host ?? env.PGHOST ?? "127.0.0.1";
  const port = options.connection?.port ?? Number(env.PGPORT ?? 5432);
  const user = options.connection?.user ?? env.PGUSER ?? "postgres";
  const database = options.connection?.database ?? env.PGDATABASE ?? "postgres";

  const skein = await run(function* () {
    const db = yield* usePostgres({ host, port, user, database, max: connections });
    const caller = function* (): Operation<void> {
      for (let i = 0; i < perCaller; i++) yield* db.query(sql`select ${i}::int as n`);
    };
    yield* all(Array.from({ length: connections }, caller));
    const started = performance.now();
    yield* all(Array.from({ length: connections }, caller));
    return figure(perCaller * connections, performance.now() - started);
  });

  const client = postgres({ host, port, user, database, max: connections, onnotice: () => {} });
  const rawCaller = async () => {
    for (let i = 0; i < perCaller; i++) await client.unsafe("select $1::int as n", [i]);
  };
  await Promise.all(Array.from({ length: connections }, rawCaller));
  let started = performance.now();
  await Promise.all(Array.from({ length: connections }, rawCaller));
  const postgresJs = figure(perCaller * connections, performance.now() - started);
  await client.end();

  const pool = new pg.Pool({ host, port, user, database, max: connections });
  const pgCaller = async () => {
    for (let i = 0; i < perCaller; i++) await pool.query("select $1::int as n", [i]);
  };
  await Promise.all(Array.from({ length: connections }, pgCaller));
  started = performance.now();
  await Promise.all(Array.from({ length: connections }, pgCaller));
  const pgFigure = figure(perCaller * connections, performance.now() - started);
  await pool.end();

  return { skein, postgresJs, pg: pgFigure };
}
