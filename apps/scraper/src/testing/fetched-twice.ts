import type { DemoServer } from "../demo-site/use-demo-server.js";

/**
 * Internal to the tests. The paths the demo server was asked for more often than one full
 * crawl needs: once each, twice for a page whose first answer is a one-time 500 or 429, and
 * robots.txt as often as each engine likes.
 *
 * @param server - the demo server a crawl ran against
 * @returns the paths fetched again after their page was done, with their request counts
 */
export function fetchedTwice(server: DemoServer): [string, number][] {
  return [...server.requests].filter(([path, n]) => {
    if (path === "/robots.txt") return false;
    const page = /^\/p\/(\d+)$/.exec(path);
    const retried = page !== null && server.site.firstStatus(Number(page[1])) !== 200;
    return n > (retried ? 2 : 1);
  });
}
