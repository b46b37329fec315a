import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { takeDashboardFlag } from "./dashboard-flag.js";
import { UsageError } from "./usage-error.js";

describe("takeDashboardFlag()", () => {
  it("takes a bare --dashboard as any free port and leaves a URL after it alone", function* () {
    expect(takeDashboardFlag(["--dashboard", "https://example.com/", "--json"])).toEqual({
      args: ["https://example.com/", "--json"],
      port: 0,
    });
  });

  it("takes the port from the next argument or after an equals sign", function* () {
    expect(takeDashboardFlag(["https://example.com/", "--dashboard", "7070"])).toEqual({
      args: ["https://example.com/"],
      port: 7070,
    });
    expect(takeDashboardFlag(["--dashboard=8080", "--pages", "10"])).toEqual({
      args: ["--pages", "10"],
      port: 8080,
    });
  });

  it("reports no port without the flag, and ignores it after --", function* () {
    expect(takeDashboardFlag(["--", "--dashboard"])).toEqual({
      args: ["--", "--dashboard"],
      port: undefined,
    });
  });

  it("refuses a port out of range with a UsageError", function* () {
    expect(() => takeDashboardFlag(["--dashboard", "70000"])).toThrow(UsageError);
    expect(() => takeDashboardFlag(["--dashboard=web"])).toThrow(/port from 0 to 65535/);
  });
});
