import { type Operation, useScope } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { useHttpClient, useHttpServer } from "@skein/http";
import { expect } from "vitest";
import { RobotsCache } from "./robots-cache.js";

/** A server whose robots.txt disallows /private/, counting its robots.txt requests. */
function* useOrigin(counts: Map<string, number>): Operation<string> {
  const server = yield* useHttpServer({
    shutdownGraceMs: 0,
    *handler() {
      counts.set(server.url, (counts.get(server.url) ?? 0) + 1);
      return new Response("User-agent: *\nDisallow: /private/\n");
    },
  });
  return server.url;
}

describe("RobotsCache", () => {
  it("keeps only the most recently used origins and fetches a forgotten one again", function* () {
    const counts = new Map<string, number>();
    const [a, b, c] = [
      yield* useOrigin(counts),
      yield* useOrigin(counts),
      yield* useOrigin(counts),
    ];
    const client = yield* useHttpClient();
    const cache = new RobotsCache(yield* useScope(), client, {
      userAgent: "test",
      timeoutMs: 5000,
      retries: 0,
      maxRetryAfterMs: 1000,
      maxOrigins: 2,
    });
    for (const origin of [a!, b!, a!, c!]) {
      const rules = yield* cache.get(origin);
      expect("allows" in rules && rules.allows("/private/x")).toBe(false);
    }
    expect(cache.size).toBe(2);
    expect(cache.peek(b!)).toBeUndefined();
    yield* cache.get(b!);
    expect([counts.get(a!), counts.get(b!), counts.get(c!)]).toEqual([1, 2, 1]);
  });
});
