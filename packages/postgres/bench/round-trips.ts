import { all, type Operation, run } from "@skein/core";
import pg from "pg";
import postgres from "postgres";
import { type PostgresOptions, sql, usePostgres } from "../src/mod.js";

/** Options shared by the benchmark functions. */
export interface BenchOptions {
  /** Connection settings; default: the PG* environment. */
  connection?: PostgresOptions;
  /** Pool size. Default 10. */
  connections?: number;
  /** Concurrent callers. Default 100, so that every pool has queries waiting. */
  callers?: number;
  /** Round trips in all. Default 20000. */
  queries?: number;
}

/** Time and throughput of one client. */
export interface RoundTripFigure {
  ms: number;
  perSecond: number;
}

/**
 * `SELECT $1::int` round trips through Skein, raw postgres.js (a tagged template: prepared and
 * pipelined, its defaults) and `pg`'s Pool (unnamed statements, its default).
 */
export interface RoundTripFigures {
  skein: RoundTripFigure;
  postgresJs: RoundTripFigure;
  pg: RoundTripFigure;
}

function figure(queries: number, ms: number): RoundTripFigure {
  return { ms: Math.round(ms), perSecond: Math.round((queries / ms) * 1000) };
}

/**
 * Run `queries` round trips of `SELECT $1::int` from `callers` concurrent callers, each client
 * with a pool of `connections`, through each client in turn (after a warm-up). apps/bench's
 * `postgres` row runs the same workload, interleaved and repeated, for steadier figures.
 *
 * @param options - connection settings and sizes
 * @returns the figures per client
 */
export async function benchRoundTrips(options: BenchOptions = {}): Promise<RoundTripFigures> {
  const connections = options.connections ?? 10;
  const queries = options.queries ?? 20_000;
  const callers = options.callers ?? 100;
  const perCaller = Math.ceil(queries / callers);
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
    yield* all(Array.from({ length: callers }, caller));
    const started = performance.now();
    yield* all(Array.from({ length: callers }, caller));
    return figure(perCaller * callers, performance.now() - started);
  });

  const client = postgres({ host, port, user, database, max: connections, onnotice: () => {} });
  const rawCaller = async () => {
    for (let i = 0; i < perCaller; i++) await client`select ${i}::int as n`;
  };
  await Promise.all(Array.from({ length: callers }, rawCaller));
  let started = performance.now();
  await Promise.all(Array.from({ length: callers }, rawCaller));
  const postgresJs = figure(perCaller * callers, performance.now() - started);
  await client.end();

  const pool = new pg.Pool({ host, port, user, database, max: connections });
  const pgCaller = async () => {
    for (let i = 0; i < perCaller; i++) await pool.query("select $1::int as n", [i]);
  };
  await Promise.all(Array.from({ length: callers }, pgCaller));
  started = performance.now();
  await Promise.all(Array.from({ length: callers }, pgCaller));
  const pgFigure = figure(perCaller * callers, performance.now() - started);
  await pool.end();

  return { skein, postgresJs, pg: pgFigure };
}
