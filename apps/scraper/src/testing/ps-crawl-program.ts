// Internal to the tests: a crawl for the `skein pstree` test. It serves a small site whose
// pages are held until "finish" arrives on stdin, crawls it with two workers into the database
// at $PS_DATABASE, and keeps one query waiting on an advisory lock another transaction holds.
// It prints "ready" once all of that is waiting, and "done" after finishing normally.
import { randomInt } from "node:crypto";
import { label, main, spawn, withResolvers } from "@skein/core";
import { waitAllTasksBlocked } from "@skein/core/test";
import { useHttpServer } from "@skein/http";
import { sql } from "@skein/postgres";
import { crawl } from "../crawl/crawl.js";
import { createCrawlStore } from "../store/crawl-store.js";
import { useDatabase } from "../store/database.js";

const PAGES = 2;

await main(function* () {
  yield* label("ps crawl program");
  const finish = withResolvers<void>();
  const held = withResolvers<void>();
  let arrived = 0;
  const site = yield* useHttpServer({
    *handler(request) {
      const path = new URL(request.url).pathname;
      if (path === "/") {
        const links = Array.from({ length: PAGES }, (_, i) => `<a href="/page/${i + 1}">p</a>`);
        return new Response(`<html><body>${links.join("")}</body></html>`, {
          headers: { "content-type": "text/html" },
        });
      }
      if (++arrived === PAGES) held.resolve();
      yield* finish.operation;
      return new Response("<html><body>page</body></html>", {
        headers: { "content-type": "text/html" },
      });
    },
  });
  const db = yield* useDatabase(process.env.PS_DATABASE!);
  const store = yield* createCrawlStore(db);
  const key = randomInt(1, 2 ** 31);
  const locked = withResolvers<void>();
  yield* spawn(
    () =>
      db.transaction(function* (tx) {
        yield* tx.query(sql`select pg_advisory_xact_lock(${key})`);
        locked.resolve();
        yield* finish.operation;
      }),
    { name: "lock holder" },
  );
  yield* locked.operation;
  const waiter = yield* spawn(
    () =>
      db.query(sql`
        select pg_advisory_xact_lock(${key})
        -- granted once the lock holder commits`),
    { name: "lock waiter" },
  );
  const name = `ps-test-${process.pid}-${key}`;
  const crawling = yield* spawn(
    () =>
      crawl({
        store,
        name,
        seeds: [`${site.url}/`],
        concurrency: PAGES,
        perHost: PAGES,
        robots: false,
        timeoutMs: 120_000,
      }),
    { name: "crawl" },
  );
  yield* held.operation;
  yield* waitAllTasksBlocked();
  process.stdout.write("ready\n");
  process.stdin.setEncoding("utf8").on("data", (chunk: string) => {
    if (chunk.includes("finish")) finish.resolve();
  });
  yield* finish.operation;
  process.stdin.pause();
  yield* waiter;
  const result = yield* crawling;
  yield* store.delete(name);
  process.stdout.write(`done ${JSON.stringify(result)}\n`);
});
