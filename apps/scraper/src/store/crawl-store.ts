import type { Operation } from "@skein/core";
import { type Db, type Queryable, sql } from "@skein/postgres";
import { CrawlNotFoundError } from "./crawl-not-found-error.js";
import { migrate } from "./schema.js";
import { migrateLibrary } from "./schema-library.js";
import { migrateRevisit } from "./schema-revisit.js";

// JSON is bound as text and cast in SQL: bound straight to a jsonb parameter, a JS string is
// taken as JSON text by PGlite but encoded once more (as a JSON string) by postgres.js.

/**
 * The error recorded for a URL claimed `maxClaims` times without finishing: each fetch of it
 * ended with its lease expiring or its process dying.
 *
 * @example
 * ```ts
 * import { ATTEMPTS_EXHAUSTED, type StoredPage } from "@skein/scraper";
 *
 * const exhausted = (pages: StoredPage[]) => pages.filter((p) => p.error === ATTEMPTS_EXHAUSTED);
 * ```
 */
export const ATTEMPTS_EXHAUSTED = "attempts-exhausted";

/**
 * A URL to put in the frontier.
 *
 * @example
 * ```ts
 * import type { FrontierEntry } from "@skein/scraper";
 *
 * const seed: FrontierEntry = { url: "https://example.com/", host: "example.com", depth: 0 };
 * ```
 */
export interface FrontierEntry {
  url: string;
  host: string;
  depth: number;
  /** Where the URL was found: a page, or the sitemap that listed it. */
  referrer?: string;
  /** The `lastmod` a sitemap gave it. */
  lastmod?: string;
}

/**
 * A URL this worker holds a lease on.
 *
 * @example
 * ```ts
 * import type { ClaimedUrl, CrawlStore } from "@skein/scraper";
 *
 * function* claim(store: CrawlStore, crawl: number) {
 *   const batch: ClaimedUrl[] = yield* store.claimBatch(crawl, "worker-1", 10, 60_000);
 *   return batch.filter((url) => url.attempts > 1); // an earlier lease expired or its worker died
 * }
 * ```
 */
export interface ClaimedUrl extends FrontierEntry {
  /** How many times it has been claimed, this time included. */
  attempts: number;
  /** The label a handler enqueued it with (null for seeds and followed links). */
  label?: string | null;
  /** What a handler enqueued it with. */
  userData?: unknown;
  /** The validators of the page as stored by an earlier run, for a conditional request. */
  etag?: string | null;
  lastModified?: string | null;
}

/**
 * What a fetch of one URL produced, as stored in the `pages` table.
 *
 * @example
 * ```ts
 * import type { PageRecord } from "@skein/scraper";
 *
 * const page: PageRecord = {
 *   status: 200, content_type: "text/html", title: "Home", description: null, canonical: null,
 *   bytes: 5_120, elapsed_ms: 84, retries: 0, error: null, item: null,
 * };
 * ```
 */
export interface PageRecord {
  status: number | null;
  content_type: string | null;
  title: string | null;
  description: string | null;
  canonical: string | null;
  bytes: number;
  elapsed_ms: number;
  retries: number;
  error: string | null;
  item: unknown;
  /** What a failed handler threw, beside `error: "handler"`. */
  error_message?: string | null;
}

/**
 * A stored page with its URL and fetch time, as exported.
 *
 * @example
 * ```ts
 * import type { CrawlStore, StoredPage } from "@skein/scraper";
 *
 * function* broken(store: CrawlStore, crawl: number) {
 *   const pages: StoredPage[] = yield* store.pages(crawl);
 *   return pages.filter((p) => p.status === 404).map((p) => `${p.url} (linked from ${p.referrer})`);
 * }
 * ```
 */
export interface StoredPage extends PageRecord {
  url: string;
  fetched_at: string;
  /** Links from a seed (null for pages stored before the column existed). */
  depth: number | null;
  /** The page whose link (or handler) added this URL; null for seeds. */
  referrer: string | null;
  /** The URL that answered, when a redirect led elsewhere. */
  final_url: string | null;
  /** How many distinct links the page had (null for a page that was not parsed). */
  link_count: number | null;
  /** The `lastmod` the sitemap that listed the URL gave it. */
  lastmod: string | null;
}

/**
 * A URL a page adds to the frontier, one level deeper than the page.
 *
 * @example
 * ```ts
 * import type { FoundUrl } from "@skein/scraper";
 *
 * const found: FoundUrl = {
 *   url: "https://example.com/p/2",
 *   host: "example.com",
 *   label: "product",
 *   userData: { category: "shoes" },
 * };
 * ```
 */
export interface FoundUrl {
  url: string;
  host: string;
  /** The route that handles it (see the library API's router). */
  label?: string;
  /** Anything JSON the handler of `url` gets back. */
  userData?: unknown;
  /** Disallowed by robots.txt: recorded as skipped, never fetched. */
  skipped?: boolean;
}

/**
 * What a handler pushed to the crawl's dataset: an item, or why it was refused.
 *
 * @example
 * ```ts
 * import type { PushedItem } from "@skein/scraper";
 *
 * const refused: PushedItem = { item: { price: "n/a" }, error: "price must be a number" };
 * ```
 */
export interface PushedItem {
  item: unknown;
  /** Set when the item failed the crawl's schema check; the item is kept beside it. */
  error?: string;
}

/**
 * How a leased URL ends.
 *
 * @example
 * ```ts
 * import type { Completion } from "@skein/scraper";
 *
 * const robotsSkip: Completion = { state: "skipped" };
 * ```
 */
export interface Completion {
  state: "done" | "failed" | "skipped";
  /** Omitted for a skipped URL: nothing was fetched. */
  page?: PageRecord;
  /** Every link the page had, stored with its page row. */
  links?: readonly string[];
  /** The URL that answered, after redirects, when it differs. */
  finalUrl?: string;
  /** The links to crawl, one level deeper than the page. */
  enqueue?: readonly FoundUrl[];
  /** Items for the dataset, written in the same statement as the page. */
  items?: readonly PushedItem[];
  /** What to keep of the page for recrawls and `reparse` (see {@link StoredBody}). */
  stored?: StoredBody;
}

/**
 * What a crawl keeps of a page beyond its row (in `stored_pages`): its validators, its links
 * and maybe its body.
 *
 * @example
 * ```ts
 * import type { StoredBody } from "@skein/scraper";
 *
 * const kept: StoredBody = { etag: '"v1"', last_modified: null };
 * ```
 */
export interface StoredBody {
  etag: string | null;
  last_modified: string | null;
  /** The body, gzip-compressed; omitted when only the validators are kept. */
  gzip?: Uint8Array;
}

/**
 * A kept page as `reparse` reads it (see {@link CrawlStore.keptPages}).
 *
 * @example
 * ```ts
 * import { gunzipSync } from "node:zlib";
 * import type { KeptPage } from "@skein/scraper";
 *
 * const htmlOf = (page: KeptPage) => gunzipSync(page.gzip).toString("utf8");
 * ```
 */
export interface KeptPage {
  url: string;
  final_url: string | null;
  status: number | null;
  content_type: string | null;
  depth: number | null;
  label: string | null;
  user_data: unknown;
  /** The body, gzip-compressed. */
  gzip: Uint8Array;
}

/**
 * Counts for a progress line or a summary.
 *
 * @example
 * ```ts
 * import type { CrawlCounts } from "@skein/scraper";
 *
 * const left = (c: CrawlCounts) => c.queued + c.leased;
 * ```
 */
export interface CrawlCounts {
  queued: number;
  leased: number;
  done: number;
  failed: number;
  skipped: number;
}

/**
 * The numbers of a finished (or interrupted) crawl.
 *
 * @example
 * ```ts
 * import type { CrawlStore, CrawlSummary } from "@skein/scraper";
 *
 * function* report(store: CrawlStore, crawl: number) {
 *   const { counts, topErrors }: CrawlSummary = yield* store.summary(crawl);
 *   return `${counts.done} done, ${counts.failed} failed; worst: ${topErrors[0]?.error ?? "none"}`;
 * }
 * ```
 */
export interface CrawlSummary {
  counts: CrawlCounts;
  /** Pages per HTTP status; `error` for fetches that got no response. */
  statuses: { status: string; pages: number }[];
  bytes: number;
  retries: number;
  topErrors: { error: string; pages: number }[];
  createdAt: Date;
  finishedAt: Date | null;
}

/**
 * One crawl as `list()` shows it.
 *
 * @example
 * ```ts
 * import type { CrawlListing } from "@skein/scraper";
 *
 * const line = (c: CrawlListing) =>
 *   `${c.name}: ${c.finished} pages, ${c.finishedAt ? "finished" : `${c.waiting} waiting`}`;
 * ```
 */
export interface CrawlListing {
  name: string;
  /** URLs finished (done, failed or skipped) and URLs still waiting (queued or leased). */
  finished: number;
  waiting: number;
  createdAt: Date;
  finishedAt: Date | null;
}

/**
 * A crawl row.
 *
 * @example
 * ```ts
 * import type { CrawlRecord, CrawlStore } from "@skein/scraper";
 *
 * function* resumable(store: CrawlStore, name: string) {
 *   const record: CrawlRecord = yield* store.find(name);
 *   return record.finishedAt === null;
 * }
 * ```
 */
export interface CrawlRecord {
  id: number;
  name: string;
  config: unknown;
  /** Whether the crawl already existed (this run resumes it). */
  resumed: boolean;
  /** When the crawl last ran to its end; null while it has work left (or never ran). */
  finishedAt: Date | null;
}

/**
 * The crawl frontier and its results in Postgres (through `@skein/postgres`), shared by every
 * worker of a crawl in any process. Each write is one statement or one transaction, so each is
 * atomic: a worker that dies between two calls
 * leaves its URLs leased until the lease expires, and another worker takes them over.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { createCrawlStore, useDatabase } from "@skein/scraper";
 *
 * await run(function* () {
 *   const store = yield* createCrawlStore(yield* useDatabase());
 *   const crawl = yield* store.open("docs", {}, [{ url: "http://127.0.0.1:8080/", host: "127.0.0.1:8080", depth: 0 }]);
 *   const batch = yield* store.claimBatch(crawl.id, "worker-1", 10, 60_000);
 * });
 * ```
 */
export class CrawlStore {
  constructor(readonly db: Db) {}

  /**
   * Create the crawl `name` with its seeds, or find it (then `config` and seeds are ignored).
   * The crawl and its seeds are written in one transaction: a crawl never exists without them.
   */
  *open(name: string, config: unknown, seeds: readonly FrontierEntry[]): Operation<CrawlRecord> {
    return yield* this.db.transaction(function* (tx) {
      const created = yield* tx.query<{ id: number }>(
        sql`insert into crawls (name, config)
            values (${name}, ${JSON.stringify(config)}::text::jsonb)
            on conflict (name) do nothing returning id`,
      );
      const found = yield* findIn(tx, name);
      if (created.length > 0) yield* enqueueIn(tx, found.id, seeds);
      return { ...found, resumed: created.length === 0 };
    });
  }

  /** Every crawl in the database, by name, with how far it got. */
  *list(): Operation<CrawlListing[]> {
    const rows = yield* this.db.query<{
      name: string;
      finished: number;
      waiting: number;
      created_at: Date;
      finished_at: Date | null;
    }>(
      sql`select c.name, c.created_at, c.finished_at,
                 (select count(*)::int from urls u
                  where u.crawl = c.id and u.state in ('done', 'failed', 'skipped')) as finished,
                 (select count(*)::int from urls u
                  where u.crawl = c.id and u.state in ('queued', 'leased')) as waiting
          from crawls c order by c.name`,
    );
    return rows.map((row) => ({
      name: row.name,
      finished: row.finished,
      waiting: row.waiting,
      createdAt: new Date(row.created_at),
      finishedAt: row.finished_at == null ? null : new Date(row.finished_at),
    }));
  }

  /** Delete the crawl `name` with its frontier, pages and links; throws {@link CrawlNotFoundError}. */
  *delete(name: string): Operation<void> {
    const rows = yield* this.db.query(sql`delete from crawls where name = ${name} returning id`);
    if (rows.length === 0) throw new CrawlNotFoundError(name);
  }

  /**
   * Start the crawl `name` over with its saved configuration: its pages, links, items and frontier are
   * deleted and its seeds queued again, in one transaction. Throws {@link CrawlNotFoundError}.
   */
  *recrawl(name: string): Operation<CrawlRecord> {
    return yield* this.db.transaction(function* (tx) {
      const found = yield* findIn(tx, name);
      yield* tx.query(sql`delete from pages where crawl = ${found.id}`);
      yield* tx.query(sql`delete from links where crawl = ${found.id}`);
      yield* tx.query(sql`delete from items where crawl = ${found.id}`);
      yield* tx.query(sql`delete from urls where crawl = ${found.id}`);
      yield* tx.query(sql`update crawls set finished_at = null where id = ${found.id}`);
      const seeds = (found.config as { seeds?: unknown } | null)?.seeds;
      const urls = Array.isArray(seeds)
        ? seeds.filter((u): u is string => typeof u === "string")
        : [];
      yield* enqueueIn(
        tx,
        found.id,
        urls.map((url) => ({ url, host: new URL(url).host, depth: 0 })),
      );
      return found;
    });
  }

  /**
   * Replace the saved configuration of crawl `id` (a resume with other options), adding
   * `seeds` to its frontier and marking it unfinished again so that it goes on.
   */
  *reconfigure(id: number, config: unknown, seeds: readonly FrontierEntry[] = []): Operation<void> {
    yield* this.db.transaction(function* (tx) {
      yield* tx.query(
        sql`update crawls set config = ${JSON.stringify(config)}::text::jsonb, finished_at = null
            where id = ${id}`,
      );
      yield* enqueueIn(tx, id, seeds);
    });
  }

  /** The crawl `name`; throws {@link CrawlNotFoundError} if there is none. */
  find(name: string): Operation<CrawlRecord> {
    return findIn(this.db, name);
  }

  /** Add URLs to the frontier; ones already there (in any state) are left alone. */
  enqueue(crawl: number, entries: readonly FrontierEntry[]): Operation<number> {
    return enqueueIn(this.db, crawl, entries);
  }

  /**
   * Lease up to `n` URLs to `worker` for `leaseMs`, shallowest first: queued ones, and leased
   * ones whose lease has expired. Rows other workers are claiming right now are skipped
   * (`FOR UPDATE SKIP LOCKED`), not waited for. No more than `maxPages` URLs are ever leased or
   * finished in all. A URL claimed `maxClaims` times without finishing is marked failed, with a
   * page row whose error is {@link ATTEMPTS_EXHAUSTED}.
   */
  *claimBatch(
    crawl: number,
    worker: string,
    n: number,
    leaseMs: number,
    maxPages = Number.MAX_SAFE_INTEGER,
    maxClaims = 5,
  ): Operation<ClaimedUrl[]> {
    // Counting what is used up scans the crawl's URLs: only worth it when there is a cap.
    const limit =
      maxPages >= Number.MAX_SAFE_INTEGER
        ? sql`${n}::bigint`
        : sql`least(${n}::bigint, greatest(0, ${maxPages}::bigint - (
            select count(*) from urls
            where crawl = ${crawl} and state in ('leased', 'done', 'failed'))))`;
    // One statement: URLs whose claims are used up are failed (none of them is picked), and a
    // row another statement holds is skipped in both parts, never waited for.
    const rows = yield* this.db.query<ClaimedUrl>(sql`
      with expired as (
        select url from urls
        where crawl = ${crawl} and state = 'leased' and lease_until < now()
          and attempts >= ${maxClaims}
        for update skip locked
      ), failed as (
        update urls u set state = 'failed', lease_owner = null, lease_until = null
        from expired e
        where u.crawl = ${crawl} and u.url = e.url
        returning u.url
      ), recorded as (
        insert into pages (crawl, url, error)
        select ${crawl}::int, url, ${ATTEMPTS_EXHAUSTED}::text from failed
        on conflict do nothing
        returning 1
      ), picked as (
        select url from urls
        where crawl = ${crawl}
          and ((state = 'queued' and next_attempt_at <= now())
               or (state = 'leased' and lease_until < now()))
          and attempts < ${maxClaims}
        order by depth, seq
        limit ${limit}
        for update skip locked
      )
      update urls u
      set state = 'leased', lease_owner = ${worker}, attempts = u.attempts + 1,
          lease_until = now() + (${leaseMs}::int * interval '1 millisecond')
      from picked left join stored_pages s on s.crawl = ${crawl} and s.url = picked.url
      where u.crawl = ${crawl} and u.url = picked.url
      returning u.url, u.host, u.depth, u.attempts, u.label, u.user_data as "userData",
        s.etag, s.last_modified as "lastModified"`);
    return rows.sort((a, b) => a.depth - b.depth);
  }

  /**
   * Record the outcome of a leased URL in one statement: its page, its links, the new URLs it
   * found and its final state. Returns false, writing nothing, when `worker` no longer holds the
   * lease (it expired and another worker took the URL).
   */
  *complete(crawl: number, worker: string, url: string, outcome: Completion): Operation<boolean> {
    const owned = yield* this.completeMany(crawl, worker, [{ url, outcome }]);
    return owned.length > 0;
  }

  /**
   * {@link CrawlStore.complete} for several URLs in one statement, so in one transaction: each
   * URL's state changes together with its page row, never before it. Returns the URLs `worker`
   * still held (the others are left alone); writing the same batch again changes nothing.
   */
  *completeMany(
    crawl: number,
    worker: string,
    batch: readonly { url: string; outcome: Completion }[],
  ): Operation<string[]> {
    if (batch.length === 0) return [];
    // Links travel as one newline-joined string per page (a normalized URL has no newline)
    // and are stored as one array per page: no row or index entry per link.
    const input = JSON.stringify(
      batch.map(({ url, outcome }) => ({
        url,
        state: outcome.state,
        found: outcome.enqueue ?? [],
        items: outcome.items ?? [],
      })),
    );
    const pages = JSON.stringify(
      batch.flatMap(({ url, outcome }) =>
        outcome.page === undefined
          ? []
          : [
              {
                ...outcome.page,
                url,
                final_url: outcome.finalUrl ?? null,
                links: outcome.links === undefined ? null : outcome.links.join("\n"),
                link_count: outcome.links?.length ?? null,
              },
            ],
      ),
    );
    const kept = JSON.stringify(
      batch.flatMap(({ url, outcome }) =>
        outcome.stored === undefined || outcome.page === undefined
          ? []
          : [
              {
                url,
                final_url: outcome.finalUrl ?? null,
                status: outcome.page.status,
                content_type: outcome.page.content_type,
                etag: outcome.stored.etag,
                last_modified: outcome.stored.last_modified,
                links: outcome.links === undefined ? null : outcome.links.join("\n"),
                body:
                  outcome.stored.gzip === undefined
                    ? null
                    : Buffer.from(outcome.stored.gzip).toString("base64"),
              },
            ],
      ),
    );
    // The new URLs go in before the leased rows change: an insert may wait for another
    // worker's transaction that changed a row it conflicts with, and a transaction that
    // changes rows then never waits for anyone, so two workers never wait for each other.
    const rows = yield* this.db.query<{ url: string }>(sql`
      with input as (
        select * from jsonb_to_recordset(${input}::text::jsonb)
          as i(url text, state text, found jsonb, items jsonb)
      ), queued as (
        insert into urls (crawl, url, host, depth, label, user_data, referrer, state)
        select distinct on (n.url) u.crawl, n.url, n.host, u.depth + 1, n.label, n."userData",
               u.url, case when n.skipped then 'skipped' else 'queued' end
        from input i
          join urls u on u.crawl = ${crawl} and u.url = i.url and u.state = 'leased'
            and u.lease_owner = ${worker},
          jsonb_to_recordset(i.found)
            as n(url text, host text, label text, "userData" jsonb, skipped boolean)
        order by n.url, u.depth
        on conflict do nothing
        returning 1
      ), owned as (
        update urls u set state = i.state, lease_owner = null, lease_until = null
        from input i
        where u.crawl = ${crawl} and u.url = i.url and u.state = 'leased'
          and u.lease_owner = ${worker} and (select count(*) from queued) >= 0
        returning u.crawl, u.url, u.depth, u.referrer, u.lastmod
      ), page as (
        insert into pages (crawl, url, status, content_type, title, description, canonical,
                           bytes, elapsed_ms, retries, error, item, depth, referrer, final_url,
                           links, link_count, error_message, lastmod)
        select o.crawl, o.url, p.status, p.content_type, p.title, p.description, p.canonical,
               p.bytes, p.elapsed_ms, p.retries, p.error, p.item, o.depth, o.referrer,
               p.final_url, string_to_array(p.links, E'\n'), p.link_count, p.error_message,
               o.lastmod
        from owned o join jsonb_to_recordset(${pages}::text::jsonb) as p(url text, status int,
          content_type text, title text, description text, canonical text, bytes int,
          elapsed_ms int, retries int, error text, item jsonb, final_url text, links text,
          link_count int, error_message text) on p.url = o.url
        on conflict do nothing
        returning 1
      ), pushed as (
        insert into items (crawl, url, n, item, error)
        select o.crawl, o.url, e.n, e.value -> 'item', e.value ->> 'error'
        from owned o join input i on i.url = o.url,
          jsonb_array_elements(i.items) with ordinality as e(value, n)
        on conflict do nothing
        returning 1
      ), kept as (
        insert into stored_pages (crawl, url, final_url, status, content_type, etag,
                                  last_modified, links, body)
        select o.crawl, o.url, k.final_url, k.status, k.content_type, k.etag, k.last_modified,
               string_to_array(k.links, E'\n'), decode(k.body, 'base64')
        from owned o join jsonb_to_recordset(${kept}::text::jsonb) as k(url text,
          final_url text, status int, content_type text, etag text, last_modified text,
          links text, body text) on k.url = o.url
        on conflict (crawl, url) do update
          set final_url = excluded.final_url, status = excluded.status,
              content_type = excluded.content_type, etag = excluded.etag,
              last_modified = excluded.last_modified, links = excluded.links,
              body = excluded.body, stored_at = now()
        returning 1
      )
      select url from owned`);
    return rows.map((row) => row.url);
  }

  /**
   * Put a URL `worker` leased back in the queue, not to be claimed again for `delayMs`: its
   * host cannot be fetched yet. The claim does not count towards `maxClaims`.
   */
  *defer(crawl: number, worker: string, url: string, delayMs: number): Operation<void> {
    yield* this.db.query(
      sql`update urls set state = 'queued', lease_owner = null, lease_until = null,
                 attempts = greatest(attempts - 1, 0),
                 next_attempt_at = now() + (${Math.ceil(delayMs)}::int * interval '1 millisecond')
          where crawl = ${crawl} and url = ${url} and lease_owner = ${worker}
            and state = 'leased'`,
    );
  }

  /**
   * Put URLs `worker` leased back in the queue, as if never claimed (on interrupt): those in
   * `urls`, or all it holds in the crawl when `urls` is omitted.
   */
  *release(crawl: number, worker: string, urls?: readonly string[]): Operation<void> {
    if (urls?.length === 0) return;
    const only = urls === undefined ? null : JSON.stringify(urls);
    yield* this.db.query(
      sql`update urls set state = 'queued', lease_owner = null, lease_until = null,
                 attempts = greatest(attempts - 1, 0)
          where crawl = ${crawl} and lease_owner = ${worker} and state = 'leased'
            and (${only}::text is null
                 or url in (select jsonb_array_elements_text(${only}::text::jsonb)))`,
    );
  }

  /** The workers holding leases on the crawl's URLs right now (expired leases included). */
  *leaseOwners(crawl: number): Operation<string[]> {
    const rows = yield* this.db.query<{ owner: string }>(
      sql`select distinct lease_owner as owner from urls
          where crawl = ${crawl} and state = 'leased' and lease_owner is not null`,
    );
    return rows.map((row) => row.owner);
  }

  /**
   * Put every URL leased by `worker`, a worker known to be dead, back in the queue without
   * waiting for its leases to expire. Its claims still count: a URL claimed `maxClaims` times
   * (its fetch killed the process each time, say) is failed instead, with a page row whose
   * error is `attempts-exhausted`. Returns how many URLs were taken back, failed ones included.
   */
  *reclaim(crawl: number, worker: string, maxClaims = 5): Operation<number> {
    const [row] = yield* this.db.query<{ n: number }>(
      sql`with freed as (
            update urls
            set state = case when attempts >= ${maxClaims}::int then 'failed' else 'queued' end,
                lease_owner = null, lease_until = null
            where crawl = ${crawl} and state = 'leased' and lease_owner = ${worker}
            returning url, state
          ), recorded as (
            insert into pages (crawl, url, error)
            select ${crawl}::int, url, ${ATTEMPTS_EXHAUSTED}::text from freed where state = 'failed'
            on conflict do nothing
            returning 1
          )
          select count(*)::int as n from freed`,
    );
    return row?.n ?? 0;
  }

  /**
   * Take one of `host`'s `perHost` slots for `worker`, shared by every process of the crawl,
   * if one is free and the host's delay has passed; the next start on the host is then
   * `delayMs` away. A slot is held until released, or for `holdMs` at most (its holder died).
   * Otherwise says how long to wait (`waitMs`) or, when every slot is taken, who holds them.
   */
  *acquireHostSlot(
    crawl: number,
    host: string,
    worker: string,
    perHost: number,
    delayMs: number,
    holdMs: number,
  ): Operation<
    { slot: number } | { waitMs: number } | { holders: { slot: number; holder: string }[] }
  > {
    return yield* this.db.transaction(function* (tx) {
      // The host's row is locked until the commit: its slots are handed out one at a time.
      const [gate] = yield* tx.query<{ wait: number }>(
        sql`insert into hosts (crawl, host) values (${crawl}, ${host})
            on conflict (crawl, host) do update set host = excluded.host
            returning (case when hosts.next_start <= clock_timestamp() then 0
                      else ceil(extract(epoch from hosts.next_start - clock_timestamp()) * 1000)
                      end)::float8 as wait`,
      );
      const wait = Number(gate?.wait ?? 0);
      if (wait > 0) return { waitMs: wait };
      const [took] = yield* tx.query<{ slot: number }>(
        sql`with free as (
              select g.slot from generate_series(0, ${perHost}::int - 1) as g(slot)
              where not exists (
                select 1 from host_slots s
                where s.crawl = ${crawl} and s.host = ${host} and s.slot = g.slot
                  and s.holder is not null and s.held_until > clock_timestamp())
              order by g.slot limit 1
            ), took as (
              insert into host_slots (crawl, host, slot, holder, held_until)
              select ${crawl}::int, ${host}::text, slot, ${worker}::text,
                     clock_timestamp() + (${holdMs}::int * interval '1 millisecond')
              from free
              on conflict (crawl, host, slot) do update
                set holder = excluded.holder, held_until = excluded.held_until
              returning slot
            ), moved as (
              update hosts set next_start = clock_timestamp() + (${delayMs}::int * interval '1 millisecond')
              where crawl = ${crawl} and host = ${host} and exists (select 1 from took)
              returning 1
            )
            select slot from took`,
      );
      if (took !== undefined) return { slot: took.slot };
      const holders = yield* tx.query<{ slot: number; holder: string }>(
        sql`select slot, holder from host_slots
            where crawl = ${crawl} and host = ${host} and holder is not null
              and held_until > clock_timestamp()`,
      );
      return { holders };
    });
  }

  /**
   * Give back a slot {@link CrawlStore.acquireHostSlot} handed to `holder`; with `delayMs`, the
   * host's next request also waits that long after this one ended (not only after it started),
   * so that no two requests arrive closer than the delay, whatever each took to travel.
   */
  *releaseHostSlot(
    crawl: number,
    host: string,
    slot: number,
    holder: string,
    delayMs = 0,
  ): Operation<void> {
    yield* this.db.query(
      sql`with freed as (
            update host_slots set holder = null, held_until = null
            where crawl = ${crawl} and host = ${host} and slot = ${slot} and holder = ${holder}
            returning 1
          )
          update hosts
          set next_start = greatest(next_start,
                clock_timestamp() + (${delayMs}::int * interval '1 millisecond'))
          where crawl = ${crawl} and host = ${host} and ${delayMs}::int > 0
            and exists (select 1 from freed)`,
    );
  }

  /** No request to `host` starts for `ms` from now (a 429 or 503 asked to wait), in any process. */
  *delayHost(crawl: number, host: string, ms: number): Operation<void> {
    yield* this.db.query(
      sql`insert into hosts (crawl, host, next_start)
          values (${crawl}, ${host}, clock_timestamp() + (${Math.ceil(ms)}::int * interval '1 millisecond'))
          on conflict (crawl, host) do update
            set next_start = greatest(hosts.next_start, excluded.next_start)`,
    );
  }

  /** How many URLs are in each state. */
  *counts(crawl: number): Operation<CrawlCounts> {
    const rows = yield* this.db.query<{ state: keyof CrawlCounts; n: number }>(
      sql`select state, count(*)::int as n from urls where crawl = ${crawl} group by state`,
    );
    const counts: CrawlCounts = { queued: 0, leased: 0, done: 0, failed: 0, skipped: 0 };
    for (const row of rows) counts[row.state] = row.n;
    return counts;
  }

  /** Mark the crawl finished. */
  *finish(crawl: number): Operation<void> {
    yield* this.db.query(sql`update crawls set finished_at = now() where id = ${crawl}`);
  }

  /** Totals for the final report. */
  *summary(crawl: number): Operation<CrawlSummary> {
    const counts = yield* this.counts(crawl);
    const statuses = yield* this.db.query<{ status: string; pages: number }>(
      sql`select coalesce(status::text, 'error') as status, count(*)::int as pages
          from pages where crawl = ${crawl} group by 1 order by 1`,
    );
    const [totals] = yield* this.db.query<{ bytes: number; retries: number }>(
      sql`select coalesce(sum(bytes), 0)::float8 as bytes,
                 coalesce(sum(retries), 0)::int as retries
          from pages where crawl = ${crawl}`,
    );
    const topErrors = yield* this.db.query<{ error: string; pages: number }>(
      sql`select error, count(*)::int as pages from pages
          where crawl = ${crawl} and error is not null
          group by error order by 2 desc, 1 limit 5`,
    );
    const [times] = yield* this.db.query<{ created_at: Date; finished_at: Date | null }>(
      sql`select created_at, finished_at from crawls where id = ${crawl}`,
    );
    return {
      counts,
      statuses,
      bytes: totals?.bytes ?? 0,
      retries: totals?.retries ?? 0,
      topErrors,
      createdAt: new Date(times?.created_at ?? Date.now()),
      finishedAt: times?.finished_at == null ? null : new Date(times.finished_at),
    };
  }

  /** The links a page had when it was kept (see {@link StoredBody}); empty if none were. */
  *keptLinks(crawl: number, url: string): Operation<string[]> {
    const [row] = yield* this.db.query<{ links: string[] | null }>(
      sql`select links from stored_pages where crawl = ${crawl} and url = ${url}`,
    );
    return row?.links ?? [];
  }

  /**
   * Up to `limit` pages kept with their bodies, with URLs after `after`, in URL order, with
   * the depth, label and user data their URL was crawled with (null when the crawl was
   * started over since).
   */
  *keptPages(crawl: number, after = "", limit = 100): Operation<KeptPage[]> {
    const rows = yield* this.db.query<KeptPage & { body: Uint8Array | string }>(
      sql`select s.url, s.final_url, s.status, s.content_type, s.body, u.depth, u.label,
                 u.user_data
          from stored_pages s left join urls u on u.crawl = s.crawl and u.url = s.url
          where s.crawl = ${crawl} and s.url > ${after} and s.body is not null
          order by s.url limit ${limit}`,
    );
    return rows.map(({ body, ...row }) => ({ ...row, gzip: bytesOf(body) }));
  }

  /**
   * Replace the items of page `url` (a reparse), in one transaction: the old ones go, `items`
   * come in their place.
   */
  *replaceItems(crawl: number, url: string, items: readonly PushedItem[]): Operation<void> {
    const input = JSON.stringify(items);
    yield* this.db.transaction(function* (tx) {
      yield* tx.query(sql`delete from items where crawl = ${crawl} and url = ${url}`);
      if (items.length === 0) return;
      yield* tx.query(
        sql`insert into items (crawl, url, n, item, error)
            select ${crawl}::int, ${url}::text, e.n, e.value -> 'item', e.value ->> 'error'
            from jsonb_array_elements(${input}::text::jsonb) with ordinality as e(value, n)`,
      );
    });
  }

  /** Up to `limit` stored pages with URLs after `after`, in URL order, for paging through. */
  pages(crawl: number, after = "", limit = 500): Operation<StoredPage[]> {
    return this.db.query<StoredPage>(
      sql`select url, status, content_type, title, description, canonical, bytes, elapsed_ms,
                 retries, error, error_message, item, fetched_at::text as fetched_at, depth,
                 referrer, final_url, link_count, lastmod
          from pages where crawl = ${crawl} and url > ${after} order by url limit ${limit}`,
    );
  }
}

/** A bytea as the driver gives it: bytes, or (PGlite, some paths) `\x` hex text. */
function bytesOf(value: Uint8Array | string): Uint8Array {
  if (typeof value !== "string") return value;
  return Buffer.from(value.startsWith("\\x") ? value.slice(2) : value, "hex");
}

function* findIn(db: Queryable, name: string): Operation<CrawlRecord> {
  const [row] = yield* db.query<{
    id: number;
    name: string;
    config: unknown;
    finished_at: Date | null;
  }>(sql`select id, name, config, finished_at from crawls where name = ${name}`);
  if (row === undefined) throw new CrawlNotFoundError(name);
  const { finished_at, ...rest } = row;
  return { ...rest, resumed: true, finishedAt: finished_at == null ? null : new Date(finished_at) };
}

function* enqueueIn(
  db: Queryable,
  crawl: number,
  entries: readonly FrontierEntry[],
): Operation<number> {
  if (entries.length === 0) return 0;
  const [row] = yield* db.query<{ n: number }>(
    sql`with added as (
          insert into urls (crawl, url, host, depth, referrer, lastmod)
          select ${crawl}::int, e.url, e.host, e.depth, e.referrer, e.lastmod
          from jsonb_to_recordset(${JSON.stringify(entries)}::text::jsonb)
            as e(url text, host text, depth int, referrer text, lastmod text)
          order by e.url
          on conflict do nothing
          returning 1)
        select count(*)::int as n from added`,
  );
  return row?.n ?? 0;
}

/**
 * Make a {@link CrawlStore} on `db`, creating its tables if they are missing.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { createCrawlStore, useDatabase } from "@skein/scraper";
 *
 * await run(function* () {
 *   const store = yield* createCrawlStore(yield* useDatabase("./.skein-scrape"));
 *   console.log(yield* store.counts((yield* store.find("docs")).id));
 * });
 * ```
 *
 * @param db - an open database
 * @returns an operation yielding the store
 */
export function* createCrawlStore(db: Db): Operation<CrawlStore> {
  yield* migrate(db);
  yield* migrateLibrary(db);
  yield* migrateRevisit(db);
  return new CrawlStore(db);
}
