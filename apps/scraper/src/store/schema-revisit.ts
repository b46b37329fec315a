import type { Operation } from "@skein/core";
import { type Db, sql } from "@skein/postgres";

/**
 * Internal. The third migration step: what sitemaps, recrawls and stored pages need. Running it
 * twice changes nothing.
 *
 * - `urls.lastmod`, `pages.lastmod`: the `lastmod` a sitemap gave the URL.
 * - `stored_pages`: per page, the validators (`ETag`, `Last-Modified`) a recrawl asks with, the
 *   links a 304 is followed by, and optionally the body (gzip) that `reparse` reads. A recrawl
 *   keeps these rows; deleting the crawl deletes them.
 */
export const REVISIT_SCHEMA = [
  sql`alter table urls add column if not exists lastmod text`,
  sql`alter table pages add column if not exists lastmod text`,
  sql`create table if not exists stored_pages (
    crawl int not null references crawls (id) on delete cascade,
    url text not null,
    final_url text,
    status int,
    content_type text,
    etag text,
    last_modified text,
    links text[],
    body bytea,
    stored_at timestamptz not null default now(),
    primary key (crawl, url)
  )`,
];

/** Internal. Apply {@link REVISIT_SCHEMA} unless its table exists already. */
export function* migrateRevisit(db: Db): Operation<void> {
  const [found] = yield* db.query<{ present: boolean }>(
    sql`select to_regclass('stored_pages') is not null as present`,
  );
  if (found?.present === true) return;
  yield* db.transaction(function* (tx) {
    yield* tx.query(sql`select pg_advisory_xact_lock(7305732)`);
    for (const statement of REVISIT_SCHEMA) yield* tx.query(statement);
  });
}
