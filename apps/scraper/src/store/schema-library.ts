import type { Operation } from "@skein/core";
import { type Db, sql } from "@skein/postgres";

/**
 * Internal. The second migration step, kept apart from {@link SCHEMA}'s tables: what the
 * library API (labels, items) and the heavy-page write path need. Running it twice changes
 * nothing.
 *
 * - `pages.links`: a page's outgoing links as one array, written with its row. One row per link
 *   (the `links` table, no longer written) cost an index entry per link: on pages of 400 links
 *   the database was most of a crawl's time.
 * - `pages.depth`, `referrer`, `final_url`, `link_count`: for exports; `error_message`: what a
 *   failed handler threw.
 * - `urls.label`, `user_data`, `referrer`: what a handler enqueued a URL with.
 * - `items`: the dataset handlers push to, written in the statement that finishes their page.
 */
export const LIBRARY_SCHEMA = [
  sql`alter table pages add column if not exists links text[],
    add column if not exists depth int,
    add column if not exists referrer text,
    add column if not exists final_url text,
    add column if not exists link_count int,
    add column if not exists error_message text`,
  sql`alter table urls add column if not exists label text,
    add column if not exists user_data jsonb,
    add column if not exists referrer text`,
  sql`create table if not exists items (
    crawl int not null references crawls (id) on delete cascade,
    url text not null,
    n int not null,
    item jsonb,
    error text,
    primary key (crawl, url, n)
  )`,
];

/** Internal. Apply {@link LIBRARY_SCHEMA} unless its last column and table exist already. */
export function* migrateLibrary(db: Db): Operation<void> {
  const [found] = yield* db.query<{ present: boolean }>(
    sql`select to_regclass('items') is not null and exists (
          select 1 from information_schema.columns
          where table_name = 'pages' and column_name = 'error_message'
            and table_schema = current_schema()) as present`,
  );
  if (found?.present === true) return;
  yield* db.transaction(function* (tx) {
    yield* tx.query(sql`select pg_advisory_xact_lock(7305731)`);
    for (const statement of LIBRARY_SCHEMA) yield* tx.query(statement);
  });
}
