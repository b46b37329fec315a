import { type Operation, type Scope, type Task, timeout } from "@skein/core";
import type { HttpClient } from "@skein/http";
import { allowAll, parseRobots, type Robots } from "../robots/robots.js";

/**
 * Internal to the crawl. Each origin's robots.txt, fetched once (by whichever request needs it
 * first; the others wait for that fetch) and kept for the crawl. A missing, failing or
 * unreadable file allows everything.
 */
export class RobotsCache {
  private readonly fetches = new Map<string, Task<Robots>>();
  private readonly known = new Map<string, Robots>();

  constructor(
    private readonly scope: Scope,
    private readonly client: HttpClient,
    private readonly userAgent: string,
    private readonly timeoutMs: number,
  ) {}

  /** The rules for `origin`, if they have been fetched already. */
  peek(origin: string): Robots | undefined {
    return this.known.get(origin);
  }

  /** The rules for `origin`. */
  *get(origin: string): Operation<Robots> {
    const known = this.known.get(origin);
    if (known !== undefined) return known;
    let task = this.fetches.get(origin);
    if (task === undefined) {
      const cache = this.known;
      const read = readRobots(this.client, origin, this.userAgent, this.timeoutMs);
      task = this.scope.run(function* () {
        const robots = yield* read;
        cache.set(origin, robots);
        return robots;
      });
      this.fetches.set(origin, task);
    }
    return yield* task;
  }
}

function* readRobots(
  client: HttpClient,
  origin: string,
  userAgent: string,
  timeoutMs: number,
): Operation<Robots> {
  const token = userAgent.split("/")[0] ?? userAgent;
  try {
    const text = yield* timeout(
      timeoutMs,
      client.text(`${origin}/robots.txt`, { maxResponseBytes: 512 * 1024 }),
    );
    return parseRobots(text, token);
  } catch {
    return allowAll;
  }
}
