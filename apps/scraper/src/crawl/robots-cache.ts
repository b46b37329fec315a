import { createBackoff, label, type Operation, type Scope, type Task, timeout } from "@skein/core";
import type { HttpClient } from "@skein/http";
import { allowAll, parseRobots, type Robots } from "../robots/robots.js";
import { parseRetryAfter } from "./retry-after.js";

/**
 * Internal to the crawl. An origin whose robots.txt could not be read (5xx, 429, a network
 * failure): nothing on it may be fetched for now. `retryInMs` says when to ask again; `final`
 * that the crawl's retry budget is spent and the origin stays disallowed.
 */
export interface RobotsUnavailable {
  readonly unavailable: true;
  readonly retryInMs: number;
  readonly final: boolean;
}

type Fetched = { robots: Robots } | { unreachable: true; retryAfterMs: number | undefined };

interface Entry {
  robots?: Robots;
  /** Failed fetches in a row. */
  failures: number;
  /** When a failed origin may be asked again. */
  retryAt: number;
  fetch?: Task<Fetched>;
}

/** Internal to the crawl. How the cache fetches and keeps robots.txt files. */
export interface RobotsCacheOptions {
  userAgent: string;
  timeoutMs: number;
  /** Fetches after the first failed one before an origin is given up on. */
  retries: number;
  /** The longest Retry-After honoured. */
  maxRetryAfterMs: number;
  /** Origins kept; the least recently used beyond this are forgotten (and fetched again). */
  maxOrigins: number;
}

const backoff = createBackoff({ initial: 200, max: 5000 });

/**
 * Internal to the crawl. Each origin's robots.txt, fetched once (by whichever request needs it
 * first; the others wait for that fetch) and kept while the origin is among the `maxOrigins`
 * most recently used. As RFC 9309 says: a 2xx file is obeyed, a 4xx other than 429 (or too
 * many redirects) allows everything, and a 5xx, a 429 or an unreachable server disallows
 * everything until a later fetch succeeds: the fetch is retried after a back-off (or the
 * server's Retry-After), `retries` times, and then the origin is disallowed for the crawl.
 */
export class RobotsCache {
  private readonly origins = new Map<string, Entry>();

  constructor(
    private readonly scope: Scope,
    private readonly client: HttpClient,
    private readonly options: RobotsCacheOptions,
  ) {}

  /** How many origins are kept. */
  get size(): number {
    return this.origins.size;
  }

  /** The rules for `origin`, if they have been fetched already. */
  peek(origin: string): Robots | undefined {
    return this.origins.get(origin)?.robots;
  }

  /** The rules for `origin`, or why there are none for now. */
  *get(origin: string): Operation<Robots | RobotsUnavailable> {
    const entry = this.touch(origin);
    if (entry.robots !== undefined) return entry.robots;
    const { retries, maxRetryAfterMs } = this.options;
    if (entry.fetch === undefined) {
      const waitMs = entry.retryAt - Date.now();
      if (entry.failures > retries || waitMs > 0) {
        return {
          unavailable: true,
          retryInMs: Math.max(0, waitMs),
          final: entry.failures > retries,
        };
      }
      const read = readRobots(this.client, origin, this.options);
      entry.fetch = this.scope.run(function* () {
        yield* label(`robots.txt of ${origin}`);
        try {
          const fetched = yield* read;
          if ("robots" in fetched) {
            entry.robots = fetched.robots;
          } else {
            entry.failures++;
            const asked = fetched.retryAfterMs;
            const delay =
              asked !== undefined && asked <= maxRetryAfterMs ? asked : backoff(entry.failures);
            entry.retryAt = Date.now() + delay;
          }
          return fetched;
        } finally {
          entry.fetch = undefined;
        }
      });
    }
    const fetched = yield* entry.fetch;
    if ("robots" in fetched) return fetched.robots;
    return {
      unavailable: true,
      retryInMs: Math.max(0, entry.retryAt - Date.now()),
      final: entry.failures > retries,
    };
  }

  /** The origin's entry, made the most recently used; the least recently used idle ones go. */
  private touch(origin: string): Entry {
    let entry = this.origins.get(origin);
    if (entry === undefined) {
      entry = { failures: 0, retryAt: 0 };
    } else {
      this.origins.delete(origin);
    }
    this.origins.set(origin, entry);
    if (this.origins.size > this.options.maxOrigins) {
      for (const [key, old] of this.origins) {
        if (this.origins.size <= this.options.maxOrigins) break;
        if (old.fetch === undefined) this.origins.delete(key);
      }
    }
    return entry;
  }
}

function* readRobots(
  client: HttpClient,
  origin: string,
  options: RobotsCacheOptions,
): Operation<Fetched> {
  const token = options.userAgent.split("/")[0] ?? options.userAgent;
  let status: number;
  let retryAfter: string | string[] | undefined;
  let text = "";
  try {
    ({ status, retryAfter, text } = yield* timeout(
      options.timeoutMs,
      (function* () {
        const response = yield* client.get(`${origin}/robots.txt`, {
          headers: { "user-agent": options.userAgent },
          maxResponseBytes: 512 * 1024,
          retry: false,
        });
        const body = response.ok ? yield* response.text() : "";
        return { status: response.status, retryAfter: response.headers["retry-after"], text: body };
      })(),
    ));
  } catch (error) {
    // Too many redirects or an oversize file count as no file; anything else as unreachable.
    const code = (error as { code?: unknown } | null)?.code;
    if (code === "too-many-redirects" || code === "response-too-large") return { robots: allowAll };
    return { unreachable: true, retryAfterMs: undefined };
  }
  if (status >= 200 && status < 300) return { robots: parseRobots(text, token) };
  if (status === 429 || status >= 500) {
    return { unreachable: true, retryAfterMs: parseRetryAfter(retryAfter) };
  }
  return { robots: allowAll };
}
