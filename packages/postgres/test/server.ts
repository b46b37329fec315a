import type { Operation } from "@skein/core";
import { sleep } from "@skein/core";
import { expect } from "vitest";
import { type Db, type PostgresOptions, sql, usePostgres } from "../src/mod.js";
import { nameOf } from "./suite.js";

/** Whether the environment names a server for the server suites (`DATABASE_URL` or `PGHOST`). */
export const serverConfigured = Boolean(process.env.DATABASE_URL || process.env.PGHOST);

/**
 * A server pool whose backends can be told apart in pg_stat_activity; `role` tells apart the
 * pools of one test.
 */
export function* useTestServer(
  options: PostgresOptions = {},
  role = "app",
): Operation<{ db: Db; app: string }> {
  const app = nameOf(role);
  const db = yield* usePostgres({ applicationName: app, ...options });
  expect(db.backend).toBe("server");
  return { db, app };
}

/** The states of the backends `app` has open, from pg_stat_activity. */
export function* statesOf(admin: Db, app: string): Operation<(string | null)[]> {
  const rows = yield* admin.query<{ state: string | null }>(
    sql`select state from pg_stat_activity where application_name = ${app}`,
  );
  return rows.map((row) => row.state);
}

/** Poll the server until `check` holds; fails after `tries` polls. */
export function* pollUntil<T>(
  probe: () => Operation<T>,
  check: (value: T) => boolean,
  tries = 400,
): Operation<T> {
  for (let i = 0; i < tries; i++) {
    const value = yield* probe();
    if (check(value)) return value;
    yield* sleep(5);
  }
  throw new Error("the server never reached the expected state");
}
