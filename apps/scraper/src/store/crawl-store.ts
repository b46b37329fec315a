import type { Operation } from "@skein/core";
import { CrawlNotFoundError } from "./crawl-not-found-error.js";
import type { Database } from "./database.js";
import { migrate } from "./schema.js";

/** A URL to put in the frontier. */
export interface FrontierEntry {
  url: string;
  host: string;
  depth: number;
}

/** A URL this worker holds a lease on. */
export interface ClaimedUrl extends FrontierEntry {
  /** How many times it has been claimed, this time included. */
  attempts: number;
}

/** What a fetch of one URL produced, as stored in the `pages` table. */
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
}

/** A stored page with its URL and fetch time, as exported. */
export interface StoredPage extends PageRecord {
  url: string;
  fetched_at: string;
}

/** How a leased URL ends. */
export interface Completion {
  state: "done" | "failed" | "skipped";
  /** Omitted for a skipped URL: nothing was fetched. */
  page?: PageRecord;
  /** Every link the page had, for the `links` table. */
  links?: readonly string[];
  /** The links to crawl, one level deeper than the page. */
  enqueue?: readonly Omit<FrontierEntry, "depth">[];
}

/** Counts for a progress line or a summary. */
export interface CrawlCounts {
  queued: number;
  leased: number;
  done: number;
  failed: number;
  skipped: number;
}

/** The numbers of a finished (or interrupted) crawl. */
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

/** A crawl row. */
export interface CrawlRecord {
  id: number;
  name: string;
  config: unknown;
  /** Whether the crawl already existed (this run resumes it). */
  resumed: boolean;
}

const CLAIM = `
with picked as (
  select url from urls
  where crawl = $1
    and ((state = 'queued' and next_attempt_at <= now()) or (state = 'leased' and lease_until < now()))
    and attempts < $6
  order by depth, seq
  limit least($3::bigint, greatest(0, $5::bigint - (
    select count(*) from urls where crawl = $1 and state in ('leased', 'done', 'failed'))))
  for update skip locked
)
update urls u
set state = 'leased', lease_owner = $2, attempts = u.attempts + 1,
    lease_until = now() + ($4::int * interval '1 millisecond')
from picked
where u.crawl = $1 and u.url = picked.url
returning u.url, u.host, u.depth, u.attempts`;

const ABANDON = `
update urls set state = 'failed', lease_owner = null, lease_until = null
where crawl = $1 and state = 'leased' and lease_until < now() and attempts >= $2`;

const COMPLETE = `
with owned as (
  update urls set state = $4, lease_owner = null, lease_until = null
  where crawl = $1 and url = $2 and state = 'leased' and lease_owner = $3
  returning crawl, url, depth
), page as (
  insert into pages (crawl, url, status, content_type, title, description, canonical, bytes,
                     elapsed_ms, retries, error, item)
  select o.crawl, o.url, p.status, p.content_type, p.title, p.description, p.canonical,
         p.bytes, p.elapsed_ms, p.retries, p.error, p.item
  from owned o, jsonb_to_record($5::jsonb) as p(status int, content_type text, title text,
    description text, canonical text, bytes int, elapsed_ms int, retries int, error text,
    item jsonb)
  where $5::jsonb is not null
  on conflict do nothing
  returning 1
), linked as (
  insert into links (crawl, from_url, to_url)
  select o.crawl, o.url, l.value from owned o, jsonb_array_elements_text($6::jsonb) as l
  on conflict do nothing
  returning 1
), queued as (
  insert into urls (crawl, url, host, depth)
  select o.crawl, n.url, n.host, o.depth + 1
  from owned o, jsonb_to_recordset($7::jsonb) as n(url text, host text)
  order by n.url
  on conflict do nothing
  returning 1
)
select (select count(*) from owned)::int as owned, (select count(*) from queued)::int as queued`;

/**
 * The crawl frontier and its results in Postgres, shared by every worker of a crawl in any
 * process. Each method is one statement, so each is atomic: a worker that dies between two calls
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
  constructor(readonly db: Database) {}

  /** Create the crawl `name` with its seeds, or find it (then `config` and seeds are ignored). */
  *open(name: string, config: unknown, seeds: readonly FrontierEntry[]): Operation<CrawlRecord> {
    const created = yield* this.db.query<{ id: number }>(
      "insert into crawls (name, config) values ($1, $2::jsonb) on conflict (name) do nothing returning id",
      [name, JSON.stringify(config)],
    );
    const found = yield* this.find(name);
    if (created.length > 0) yield* this.enqueue(found.id, seeds);
    return { ...found, resumed: created.length === 0 };
  }

  /** The crawl `name`; throws {@link CrawlNotFoundError} if there is none. */
  *find(name: string): Operation<CrawlRecord> {
    const [row] = yield* this.db.query<{ id: number; name: string; config: unknown }>(
      "select id, name, config from crawls where name = $1",
      [name],
    );
    if (row === undefined) throw new CrawlNotFoundError(name);
    return { ...row, resumed: true };
  }

  /** Add URLs to the frontier; ones already there (in any state) are left alone. */
  *enqueue(crawl: number, entries: readonly FrontierEntry[]): Operation<number> {
    if (entries.length === 0) return 0;
    const rows = yield* this.db.query<{ n: number }>(
      `with added as (
         insert into urls (crawl, url, host, depth)
         select $1, e.url, e.host, e.depth
         from jsonb_to_recordset($2::jsonb) as e(url text, host text, depth int)
         order by e.url
         on conflict do nothing
         returning 1)
       select count(*)::int as n from added`,
      [crawl, JSON.stringify(entries)],
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * Lease up to `n` URLs to `worker` for `leaseMs`, shallowest first: queued ones, and leased
   * ones whose lease has expired. Rows other workers are claiming right now are skipped, not
   * waited for. No more than `maxPages` URLs are ever leased or finished in all. A URL claimed
   * `maxClaims` times without finishing is marked failed.
   */
  *claimBatch(
    crawl: number,
    worker: string,
    n: number,
    leaseMs: number,
    maxPages = Number.MAX_SAFE_INTEGER,
    maxClaims = 5,
  ): Operation<ClaimedUrl[]> {
    yield* this.db.query(ABANDON, [crawl, maxClaims]);
    const rows = yield* this.db.query<ClaimedUrl>(CLAIM, [
      crawl,
      worker,
      n,
      leaseMs,
      maxPages,
      maxClaims,
    ]);
    return rows.sort((a, b) => a.depth - b.depth);
  }

  /**
   * Record the outcome of a leased URL in one statement: its page, its links, the new URLs it
   * found and its final state. Returns false, writing nothing, when `worker` no longer holds the
   * lease (it expired and another worker took the URL).
   */
  *complete(crawl: number, worker: string, url: string, outcome: Completion): Operation<boolean> {
    const [row] = yield* this.db.query<{ owned: number }>(COMPLETE, [
      crawl,
      url,
      worker,
      outcome.state,
      outcome.page === undefined ? null : JSON.stringify(outcome.page),
      JSON.stringify(outcome.links ?? []),
      JSON.stringify(outcome.enqueue ?? []),
    ]);
    return (row?.owned ?? 0) > 0;
  }

  /** Put URLs `worker` leased back in the queue, as if never claimed (on interrupt). */
  *release(crawl: number, worker: string, urls: readonly string[]): Operation<void> {
    if (urls.length === 0) return;
    yield* this.db.query(
      `update urls set state = 'queued', lease_owner = null, lease_until = null,
              attempts = greatest(attempts - 1, 0)
       where crawl = $1 and lease_owner = $2 and state = 'leased'
         and url in (select jsonb_array_elements_text($3::jsonb))`,
      [crawl, worker, JSON.stringify(urls)],
    );
  }

  /** How many URLs are in each state. */
  *counts(crawl: number): Operation<CrawlCounts> {
    const rows = yield* this.db.query<{ state: keyof CrawlCounts; n: number }>(
      "select state, count(*)::int as n from urls where crawl = $1 group by state",
      [crawl],
    );
    const counts: CrawlCounts = { queued: 0, leased: 0, done: 0, failed: 0, skipped: 0 };
    for (const row of rows) counts[row.state] = row.n;
    return counts;
  }

  /** Mark the crawl finished. */
  *finish(crawl: number): Operation<void> {
    yield* this.db.query("update crawls set finished_at = now() where id = $1", [crawl]);
  }

  /** Totals for the final report. */
  *summary(crawl: number): Operation<CrawlSummary> {
    const counts = yield* this.counts(crawl);
    const statuses = yield* this.db.query<{ status: string; pages: number }>(
      `select coalesce(status::text, 'error') as status, count(*)::int as pages
       from pages where crawl = $1 group by 1 order by 1`,
      [crawl],
    );
    const [totals] = yield* this.db.query<{ bytes: number; retries: number }>(
      `select coalesce(sum(bytes), 0)::float8 as bytes, coalesce(sum(retries), 0)::int as retries
       from pages where crawl = $1`,
      [crawl],
    );
    const topErrors = yield* this.db.query<{ error: string; pages: number }>(
      `select error, count(*)::int as pages from pages where crawl = $1 and error is not null
       group by error order by 2 desc, 1 limit 5`,
      [crawl],
    );
    const [times] = yield* this.db.query<{ created_at: Date; finished_at: Date | null }>(
      "select created_at, finished_at from crawls where id = $1",
      [crawl],
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

  /** Up to `limit` stored pages with URLs after `after`, in URL order, for paging through. */
  *pages(crawl: number, after = "", limit = 500): Operation<StoredPage[]> {
    return yield* this.db.query<StoredPage>(
      `select url, status, content_type, title, description, canonical, bytes, elapsed_ms,
              retries, error, item, fetched_at::text as fetched_at
       from pages where crawl = $1 and url > $2 order by url limit $3`,
      [crawl, after, limit],
    );
  }
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
export function* createCrawlStore(db: Database): Operation<CrawlStore> {
  yield* migrate(db);
  return new CrawlStore(db);
}
