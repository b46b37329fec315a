import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { type Operation, until } from "@skein/core";
import { isPrivateHost } from "./url-filter.js";

/**
 * Resolves a host name to its addresses, for the crawl's check that it never leaves the public
 * internet for a loopback or private address. The default asks the system resolver (as the
 * HTTP client's connections do).
 *
 * @example
 * ```ts
 * import type { HostLookup } from "@skein/scraper";
 *
 * const pinned: HostLookup = function* (hostname) {
 *   return hostname === "intranet.example" ? ["10.0.0.7"] : ["93.184.216.34"];
 * };
 * ```
 */
export type HostLookup = (hostname: string) => Operation<readonly string[]>;

/** Internal to the crawl. Every address the system resolver gives for `hostname`. */
export function* systemLookup(hostname: string): Operation<readonly string[]> {
  const found = yield* until(lookup(hostname, { all: true, verbatim: true }));
  return found.map((entry) => entry.address);
}

/**
 * Internal to the crawl. The loopback, private, link-local or unspecified address `hostname`
 * is or resolves to, if any. A name that does not resolve has none: its fetch fails on its own.
 */
export function* privateAddressOf(
  hostname: string,
  resolve: HostLookup,
): Operation<string | undefined> {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (isPrivateHost(host)) return host;
  if (isIP(host) !== 0) return undefined;
  let addresses: readonly string[];
  try {
    addresses = yield* resolve(host);
  } catch {
    return undefined;
  }
  return addresses.find((address) => isPrivateHost(address));
}
