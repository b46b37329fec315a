import type { Operation } from "@skein/core";
import type { Database } from "./database.js";

/** Internal. The tables of the crawl store; creating them twice changes nothing. */
export const SCHEMA = `
create table if not exists crawls (
  id serial primary key,
  name text not null unique,
  config jsonb not null,
  created_at timestamptz not null default now(),
  finished_at timestamptz
);
create table if not exists urls (
  crawl int not null references crawls (id) on delete cascade,
  url text not null,
  seq bigserial,
  depth int not null,
  host text not null,
  state text not null default 'queued'
    check (state in ('queued', 'leased', 'done', 'failed', 'skipped')),
  attempts int not null default 0,
  lease_owner text,
  lease_until timestamptz,
  next_attempt_at timestamptz not null default now(),
  primary key (crawl, url)
);
create index if not exists urls_frontier on urls (crawl, state, depth, seq);
create table if not exists pages (
  crawl int not null references crawls (id) on delete cascade,
  url text not null,
  status int,
  content_type text,
  title text,
  description text,
  canonical text,
  bytes int not null default 0,
  elapsed_ms int not null default 0,
  retries int not null default 0,
  error text,
  item jsonb,
  fetched_at timestamptz not null default now(),
  primary key (crawl, url)
);
create table if not exists links (
  crawl int not null references crawls (id) on delete cascade,
  from_url text not null,
  to_url text not null,
  primary key (crawl, from_url, to_url)
);
`;

/**
 * Internal. Create the tables if they are missing. Several processes starting at once on one
 * server serialize on an advisory lock held for the script's single transaction.
 */
export function* migrate(db: Database): Operation<void> {
  yield* db.exec(`begin; select pg_advisory_xact_lock(7305730); ${SCHEMA} commit;`);
}
