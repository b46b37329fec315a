import type { Operation } from "@skein/core";
import { type Db, sql } from "@skein/postgres";

/** Internal. The tables of the crawl store, one statement each; running them twice changes nothing. */
export const SCHEMA = [
  sql`create table if not exists crawls (
    id serial primary key,
    name text not null unique,
    config jsonb not null,
    created_at timestamptz not null default now(),
    finished_at timestamptz
  )`,
  sql`create table if not exists urls (
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
  )`,
  sql`create index if not exists urls_frontier on urls (crawl, state, depth, seq)`,
  sql`create table if not exists pages (
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
  )`,
  sql`create table if not exists links (
    crawl int not null references crawls (id) on delete cascade,
    from_url text not null,
    to_url text not null,
    primary key (crawl, from_url, to_url)
  )`,
  // Politeness shared by every process of a crawl: when each host may next be fetched, and
  // who holds its slots (at most the crawl's per-host limit of them at once).
  sql`create table if not exists hosts (
    crawl int not null references crawls (id) on delete cascade,
    host text not null,
    next_start timestamptz not null default 'epoch',
    primary key (crawl, host)
  )`,
  sql`create table if not exists host_slots (
    crawl int not null,
    host text not null,
    slot int not null,
    holder text,
    held_until timestamptz,
    primary key (crawl, host, slot),
    foreign key (crawl, host) references hosts (crawl, host) on delete cascade
  )`,
];

/** The relations {@link SCHEMA} creates, by name. */
const RELATIONS = ["crawls", "urls", "urls_frontier", "pages", "links", "hosts", "host_slots"];

/**
 * Internal. Create the tables if they are missing, in one transaction. Several processes
 * starting at once on one server serialize on an advisory lock the transaction holds. When all
 * of them exist already (every run after the first), one query finds that out instead of a
 * transaction of seven statements.
 */
export function* migrate(db: Db): Operation<void> {
  const [found] = yield* db.query<{ present: boolean }>(
    sql`select bool_and(to_regclass(name) is not null) as present
        from unnest(${RELATIONS}::text[]) as name`,
  );
  if (found?.present === true) return;
  yield* db.transaction(function* (tx) {
    yield* tx.query(sql`select pg_advisory_xact_lock(7305730)`);
    for (const statement of SCHEMA) yield* tx.query(statement);
  });
}
