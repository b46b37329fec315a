import { networkInterfaces } from "node:os";
import { type Operation, resource } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { useHttpServer } from "@skein/http";
import { expect } from "vitest";
import { createCrawlStore } from "../store/crawl-store.js";
import { useDatabase } from "../store/database.js";
import { type HostLookup, systemLookup } from "./address-guard.js";
import { crawl } from "./crawl.js";
import { isPrivateHost } from "./url-filter.js";

/** An address of this machine that the crawler counts as public (none on many machines). */
const publicAddress = Object.values(networkInterfaces())
  .flat()
  .find(
    (entry) => entry?.family === "IPv4" && !entry.internal && !isPrivateHost(entry.address),
  )?.address;

/** sneaky.test is resolved as localhost is, by the system resolver. */
const sneaky: HostLookup = (hostname) =>
  systemLookup(hostname === "sneaky.test" ? "localhost" : hostname);

interface Site {
  origin: string;
  requests: string[];
}

function useSite(host: string, body: (site: Site) => string): Operation<Site> {
  return resource<Site>(function* (provide) {
    const site: Site = { origin: "", requests: [] };
    const server = yield* useHttpServer({
      host,
      shutdownGraceMs: 0,
      *handler(request) {
        const path = new URL(request.url).pathname;
        site.requests.push(path);
        if (path === "/robots.txt") return new Response("", { status: 404 });
        if (path === "/go") {
          return new Response(null, { status: 302, headers: { location: body(site) } });
        }
        return new Response(body(site), { headers: { "content-type": "text/html" } });
      },
    });
    site.origin = server.url;
    yield* provide(site);
  });
}

describe.skipIf(publicAddress === undefined)("crawl() from a public seed", () => {
  it("never fetches a linked name that resolves to loopback", function* () {
    const inside = yield* useSite("127.0.0.1", () => "<title>secret</title>");
    const port = new URL(inside.origin).port;
    const outside = yield* useSite(
      publicAddress!,
      () => `<a href="http://sneaky.test:${port}/secret">x</a>`,
    );
    const store = yield* createCrawlStore(yield* useDatabase());
    yield* crawl({
      store,
      name: "public",
      seeds: [`${outside.origin}/`],
      followExternal: true,
      lookup: sneaky,
      retries: 0,
    });
    const { id } = yield* store.find("public");
    const pages = new Map((yield* store.pages(id)).map((page) => [page.url, page]));
    expect(pages.get(`http://sneaky.test:${port}/secret`)).toMatchObject({
      status: null,
      error: "unsafe-address",
    });
    expect(inside.requests).toEqual([]);
  }, 60_000);
});
