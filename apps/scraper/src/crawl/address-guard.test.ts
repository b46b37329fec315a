import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { type HostLookup, privateAddressOf, systemLookup } from "./address-guard.js";

const pinned: HostLookup = function* (hostname) {
  const table: Record<string, string[]> = {
    "public.test": ["93.184.216.34", "2606:2800:220:1::1"],
    "rebound.test": ["93.184.216.34", "127.0.0.1"],
    "intranet.test": ["10.1.2.3"],
    "v6-loopback.test": ["::1"],
  };
  const found = table[hostname];
  if (found === undefined) throw Object.assign(new Error(hostname), { code: "ENOTFOUND" });
  return found;
};

describe("privateAddressOf()", () => {
  it("finds a loopback or private address among those a name resolves to", function* () {
    expect(yield* privateAddressOf("public.test", pinned)).toBeUndefined();
    expect(yield* privateAddressOf("rebound.test", pinned)).toBe("127.0.0.1");
    expect(yield* privateAddressOf("intranet.test", pinned)).toBe("10.1.2.3");
    expect(yield* privateAddressOf("v6-loopback.test", pinned)).toBe("::1");
  });

  it("judges address literals without resolving them and lets unresolvable names pass", function* () {
    const never: HostLookup = function* (hostname) {
      throw new Error(`resolved ${hostname}`);
    };
    expect(yield* privateAddressOf("[::1]", never)).toBe("::1");
    expect(yield* privateAddressOf("93.184.216.34", never)).toBeUndefined();
    expect(yield* privateAddressOf("nowhere.test", pinned)).toBeUndefined();
  });

  it("catches a name the system resolver maps to loopback although it is not spelled so", function* () {
    // alias.test is resolved as localhost is, by the system resolver.
    const alias: HostLookup = (hostname) =>
      systemLookup(hostname === "alias.test" ? "localhost" : hostname);
    expect(yield* privateAddressOf("alias.test", alias)).toMatch(/^(127\.|::1$)/);
  });
});
