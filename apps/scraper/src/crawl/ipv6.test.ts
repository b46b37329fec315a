import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { ipv6Words } from "./ipv6.js";

describe("ipv6Words()", () => {
  it("reads every text form of an IPv6 address as its eight words", function* () {
    expect(ipv6Words("::")).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(ipv6Words("::1")).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Words("FE80::0001")).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Words("1::")).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(ipv6Words("::ffff:127.0.0.1")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
    expect(ipv6Words("1:2:3:4:5:6:7:8")).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(ipv6Words("1:2:3:4:5:6:1.2.3.4")).toEqual([1, 2, 3, 4, 5, 6, 0x102, 0x304]);
  });

  it("refuses what is not an IPv6 address", function* () {
    for (const text of [
      "",
      ":",
      ":::",
      "1::2::3",
      "1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:8:9",
      "1:2:3:4::5:6:7:8",
      "12345::",
      "g::",
      "::1.2.3.256",
      "::1.2.3",
      "1.2.3.4::",
      "example.com",
    ]) {
      expect({ text, words: ipv6Words(text) }).toEqual({ text, words: undefined });
    }
  });
});
