import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { InvalidArgumentError } from "./errors.js";
import { resolveServerSettings, wantsServer } from "./options.js";

describe("resolveServerSettings()", () => {
  const env = {
    DATABASE_URL: "postgres://url-user:secret@url-host:6000/url-db?sslmode=require",
    PGHOST: "env-host",
    PGPORT: "7000",
    PGDATABASE: "env-db",
    PGUSER: "env-user",
  };

  it("prefers the explicit option, then the URL, then PG* variables, then defaults", function* () {
    const settings = resolveServerSettings({ env, host: "explicit-host" });
    expect(settings.host).toBe("explicit-host");
    expect(settings.port).toBe(6000);
    expect(settings.database).toBe("url-db");
    expect(settings.user).toBe("url-user");
    expect(settings.password).toBe("secret");
    expect(settings.ssl).toBe("require");
    const fromEnv = resolveServerSettings({ env: { ...env, DATABASE_URL: undefined } });
    expect([fromEnv.host, fromEnv.port, fromEnv.database, fromEnv.user]).toEqual([
      "env-host",
      7000,
      "env-db",
      "env-user",
    ]);
    const defaults = resolveServerSettings({ env: {} });
    expect([defaults.host, defaults.port, defaults.max, defaults.acquireTimeout]).toEqual([
      "localhost",
      5432,
      10,
      Infinity,
    ]);
  });

  it("picks the embedded backend only when nothing points at a server", function* () {
    expect(wantsServer({ env: {} })).toBe(false);
    expect(wantsServer({ env: { PGHOST: "h" } })).toBe(true);
    expect(wantsServer({ env: { PGHOST: "h" }, embedded: true })).toBe(false);
  });

  it("rejects a bad pool size, a bad pipeline depth and a non-postgres URL with the offending value", function* () {
    expect(() => resolveServerSettings({ env: {}, max: 0 })).toThrow(InvalidArgumentError);
    for (const pipeline of [0, 1.5, 101]) {
      expect(() => resolveServerSettings({ env: {}, pipeline })).toThrow(InvalidArgumentError);
    }
    expect(resolveServerSettings({ env: {} })).toMatchObject({ pipeline: 10, prepare: true });
    try {
      resolveServerSettings({ env: {}, url: "mysql://x" });
      expect.unreachable();
    } catch (error) {
      expect((error as InvalidArgumentError).value).toBe("mysql://x");
    }
  });
});
