import { type Operation, resource } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { useHttpServer } from "@skein/http";
import { expect } from "vitest";
import { createCrawlStore, type StoredPage } from "../store/crawl-store.js";
import { useDatabase } from "../store/database.js";
import { crawl } from "./crawl.js";

// Each test starts an embedded PGlite.
const SLOW = 60_000;

interface RobotsSite {
  origin: string;
  /** Requests per path. */
  requests: Map<string, number>;
}

/** A two-page site whose robots.txt answers with `robots[n]` on its n-th request (the last one after that). */
function useRobotsSite(robots: { status: number; body?: string }[]): Operation<RobotsSite> {
  return resource<RobotsSite>(function* (provide) {
    const requests = new Map<string, number>();
    const server = yield* useHttpServer({
      shutdownGraceMs: 0,
      *handler(request) {
        const path = new URL(request.url).pathname;
        const n = (requests.get(path) ?? 0) + 1;
        requests.set(path, n);
        if (path === "/robots.txt") {
          const answer = robots[Math.min(n, robots.length) - 1]!;
          return new Response(answer.body ?? "unavailable", { status: answer.status });
        }
        const html = { "content-type": "text/html" };
        return new Response('<a href="/a">a</a><a href="/private/b">b</a>', { headers: html });
      },
    });
    yield* provide({ origin: server.url, requests });
  });
}

function* crawlOf(site: RobotsSite, retries: number): Operation<Map<string, StoredPage>> {
  const store = yield* createCrawlStore(yield* useDatabase());
  yield* crawl({ store, name: "robots", seeds: [`${site.origin}/`], retries });
  const { id } = yield* store.find("robots");
  expect(yield* store.counts(id)).toMatchObject({ queued: 0, leased: 0 });
  return new Map((yield* store.pages(id)).map((page) => [new URL(page.url).pathname, page]));
}

describe("crawl() with a robots.txt it cannot read", () => {
  it(
    "fetches nothing from a host whose robots.txt keeps answering 503, and gives up after the retries",
    function* () {
      const site = yield* useRobotsSite([{ status: 503 }]);
      const pages = yield* crawlOf(site, 2);
      expect(site.requests.get("/robots.txt")).toBe(3);
      expect([...site.requests.keys()]).toEqual(["/robots.txt"]);
      expect(pages.get("/")).toMatchObject({ status: null, error: "robots-unavailable" });
    },
    SLOW,
  );

  it(
    "waits out a 503 and a 429 for robots.txt, then obeys the file it gets",
    function* () {
      const site = yield* useRobotsSite([
        { status: 503 },
        { status: 429 },
        { status: 200, body: "User-agent: *\nDisallow: /private/\n" },
      ]);
      const pages = yield* crawlOf(site, 3);
      expect(site.requests.get("/robots.txt")).toBe(3);
      expect(site.requests.get("/private/b")).toBeUndefined();
      expect(pages.get("/")).toMatchObject({ status: 200, error: null });
      expect(pages.get("/a")).toMatchObject({ status: 200, error: null });
    },
    SLOW,
  );

  it(
    "takes a 404 for robots.txt as no restrictions",
    function* () {
      const site = yield* useRobotsSite([{ status: 404 }]);
      const pages = yield* crawlOf(site, 2);
      expect(site.requests.get("/robots.txt")).toBe(1);
      expect(pages.get("/private/b")).toMatchObject({ status: 200, error: null });
    },
    SLOW,
  );
});
