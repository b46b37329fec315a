import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { InvalidArgumentError } from "./errors.js";
import {
  emptyVariables,
  type PostgresOptions,
  resolveServerSettings,
  wantsServer,
} from "./options.js";
import { usePostgres } from "./use-postgres.js";

/** What `call` throws, or undefined. */
function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return undefined;
}

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

  it("refuses a usePostgres() argument that is neither options nor a URL, instead of choosing PGlite", function* () {
    for (const bad of [42, null, ["postgres://h/db"], true]) {
      const error = thrownBy(() => usePostgres(bad as never));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ code: "PG_INVALID_ARGUMENT", value: bad });
    }
  });

  it("refuses an option it does not know, saying where a misplaced one belongs, instead of opening a database in memory", function* () {
    const refused: [unknown, string][] = [
      [{ dataDir: "./db" }, 'no option "dataDir"; use embedded: { dataDir }'],
      [{ connectionString: "postgres://h/db" }, 'no option "connectionString"; use url'],
      [{ maxx: 3 }, 'no option "maxx"'],
      [{ embedded: "yes" }, "embedded must be true, false, or { dataDir, settings }"],
      [{ embedded: { dir: "./db" } }, 'embedded has no option "dir"'],
      [{ embedded: { dataDir: "" } }, "embedded.dataDir must be a directory path"],
      [{ embedded: { dataDir: 5 } }, "embedded.dataDir must be a directory path"],
    ];
    for (const [options, message] of refused) {
      const error = thrownBy(() => usePostgres(options as never));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toContain(message);
    }
  });

  it("picks the embedded backend only when nothing points at a server", function* () {
    expect(wantsServer({ env: {} })).toBe(false);
    expect(wantsServer({ env: { PGHOST: "h" } })).toBe(true);
    expect(wantsServer({ env: { PGHOST: "h" }, embedded: true })).toBe(false);
  });

  it("rejects a bad pool size, a bad pipeline depth and a non-postgres URL with the offending value", function* () {
    for (const max of [0, 1.5, "10", 1_001, 1e6]) {
      // 1e6 used to be taken, and the pool's clients ran the process out of memory.
      expect(() => resolveServerSettings({ env: {}, max: max as number })).toThrow(
        InvalidArgumentError,
      );
    }
    expect(resolveServerSettings({ env: {}, max: 1_000 }).max).toBe(1_000);
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

  it("takes an empty DATABASE_URL or PGHOST as unset instead of choosing in-memory PGlite", function* () {
    // DATABASE_URL= in a .env file used to stop the lookup, and PGlite was picked.
    expect(wantsServer({ env: { DATABASE_URL: "", PGHOST: "db" } })).toBe(true);
    expect(wantsServer({ env: { DATABASE_URL: "", PGHOST: "" } })).toBe(false);
    expect(wantsServer({ env: {}, url: "" })).toBe(false);
    const settings = resolveServerSettings({ env: { DATABASE_URL: "", PGHOST: "db", PGPORT: "" } });
    expect([settings.host, settings.port]).toEqual(["db", 5432]);
    expect(emptyVariables({ env: { DATABASE_URL: "", PGHOST: "db", PGUSER: "" } })).toEqual([
      "DATABASE_URL",
      "PGUSER",
    ]);
  });

  it("refuses a port out of range, a malformed URL escape, a bad ssl option and a NUL in any startup setting", function* () {
    const refused: [string, PostgresOptions][] = [
      ["port 70000", { env: {}, port: 70_000 }],
      ["URL port 65536", { env: {}, url: "postgres://u@h:65536/db" }],
      ["malformed %", { env: {}, url: "postgres://u@h/%%%" }],
      ["malformed % in the user", { env: {}, url: "postgres://%zz@h/db" }],
      ["ssl 'bogus'", { env: {}, ssl: "bogus" as unknown as boolean }],
      ["ssl 1", { env: {}, ssl: 1 as unknown as boolean }],
      // A NUL would end the setting in the startup message and begin one of the caller's choosing.
      [
        "NUL in applicationName",
        { env: {}, applicationName: "app\0options\0-c log_statement=all" },
      ],
      ["NUL in the user", { env: {}, url: "postgres://u%00x@h/db" }],
      ["NUL in the database", { env: {}, database: "a\0b" }],
      ["NUL in options", { env: {}, url: "postgres://u@h/db?options=-c%00x" }],
      ["NUL in the host", { env: {}, host: "h\0x" }],
    ];
    for (const [name, options] of refused) {
      const error = thrownBy(() => resolveServerSettings(options));
      expect({ name, refused: error instanceof InvalidArgumentError }).toEqual({
        name,
        refused: true,
      });
    }
    try {
      resolveServerSettings({ env: {}, password: "se\0cret" });
      expect.unreachable();
    } catch (error) {
      expect((error as InvalidArgumentError).value).not.toContain("cret");
    }
    expect(resolveServerSettings({ env: {}, port: 65_535, ssl: { ca: "x" } })).toMatchObject({
      port: 65_535,
      ssl: { ca: "x" },
    });
  });

  it("reads an IPv6 host without its brackets", function* () {
    const settings = resolveServerSettings({ env: {}, url: "postgres://postgres@[::1]:5432/test" });
    expect([settings.host, settings.port, settings.database]).toEqual(["::1", 5432, "test"]);
  });

  it("lets the URL's query parameters win over its authority, as libpq does", function* () {
    const settings = resolveServerSettings({
      env: {},
      url: "postgres://a@h:1/d?host=%2Fvar%2Frun%2Fpostgresql&port=6543&user=u&dbname=db&options=-c%20search_path%3Dapp&application_name=crawler",
    });
    expect(settings).toMatchObject({
      host: "/var/run/postgresql",
      port: 6543,
      user: "u",
      database: "db",
      serverOptions: "-c search_path=app",
      applicationName: "crawler",
    });
    const hostless = resolveServerSettings({ env: {}, url: "postgres://u@/db?host=/tmp" });
    expect([hostless.host, hostless.user, hostless.database]).toEqual(["/tmp", "u", "db"]);
    const bare = resolveServerSettings({ env: { PGHOST: "env-host" }, url: "postgresql:///db" });
    expect([bare.host, bare.database]).toEqual(["env-host", "db"]);
  });

  it("accepts every libpq sslmode and rejects others with the offending value", function* () {
    const modes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];
    const resolved = modes.map((mode) => resolveServerSettings({ env: { PGSSLMODE: mode } }).ssl);
    expect(resolved).toEqual([false, "allow", "prefer", "require", "verify-ca", "verify-full"]);
    try {
      resolveServerSettings({ env: {}, url: "postgres://h/d?sslmode=sometimes" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).value).toBe("sometimes");
    }
  });

  it("rejects a session setting whose name is not a setting's name, with the name", function* () {
    for (const name of ["search_path; drop table x", "", "a b"]) {
      try {
        resolveServerSettings({ env: {}, session: { [name]: "x" } });
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect((error as InvalidArgumentError).value).toBe(name);
      }
    }
    expect(resolveServerSettings({ env: {}, session: { "app.tenant": 7 } }).session).toEqual([
      ["app.tenant", "7"],
    ]);
  });
});
