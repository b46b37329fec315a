/**
 * Internal to the crawl. URLs this engine knows are in the frontier already (their insert was
 * committed, or it claimed them), so a page's links need not be sent to the database again only
 * for `on conflict do nothing` to drop them: on a site whose pages all link to the same few
 * hundred pages, that was most of each write. At most `limit` are remembered; past it the
 * memory starts over, which costs only writes the database dedupes anyway.
 */
export class KnownUrls {
  private known = new Set<string>();

  constructor(private readonly limit: number) {}

  /** Whether `url` is known to be in the frontier. */
  has(url: string): boolean {
    return this.known.has(url);
  }

  /** Remember `urls` as being in the frontier: only after the write that put them there. */
  add(urls: Iterable<string>): void {
    for (const url of urls) {
      if (this.known.size >= this.limit) this.known = new Set();
      this.known.add(url);
    }
  }
}
