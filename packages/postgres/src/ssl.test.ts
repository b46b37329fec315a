import { timeout } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { serverConfigured } from "../test/server.js";
import { caught } from "../test/suite.js";
import { tlsFiles, useTlsProxy } from "../test/tls-proxy.js";
import { ConnectionError, sql, usePostgres } from "./mod.js";

const server = {
  host: process.env.PGHOST ?? "127.0.0.1",
  port: Number(process.env.PGPORT ?? 5432),
};

// The test server runs with ssl off; a TLS endpoint with the fixture's certificates (test/tls/)
// stands in front of it, so the client side of TLS is real end to end.
describe.runIf(serverConfigured)("SSL", () => {
  it("connects encrypted with ssl: 'require', without checking the certificate", function* () {
    const proxy = yield* useTlsProxy(server);
    const db = yield* usePostgres({
      url: `postgres://postgres@127.0.0.1:${proxy.port}/test?sslmode=require`,
      max: 1,
      connectTimeout: 5_000,
    });
    const [row] = yield* timeout(10_000, db.query<{ one: number }>(sql`select ${1}::int as one`));
    expect(row?.one).toBe(1);
    expect(proxy.secured()).toBe(1);
  });

  it("trusts a private CA given as ca", function* () {
    const proxy = yield* useTlsProxy(server);
    const db = yield* usePostgres({
      host: "127.0.0.1",
      port: proxy.port,
      ssl: { ca: tlsFiles.ca },
      max: 1,
      connectTimeout: 5_000,
    });
    const [row] = yield* timeout(10_000, db.query<{ one: number }>(sql`select ${1}::int as one`));
    expect(row?.one).toBe(1);
    expect(proxy.secured()).toBe(1);
  });

  it("refuses a server whose certificate another CA signed, with a ConnectionError naming why", function* () {
    const proxy = yield* useTlsProxy(server);
    const db = yield* usePostgres({
      host: "127.0.0.1",
      port: proxy.port,
      ssl: { ca: tlsFiles.otherCa },
      max: 1,
      connectTimeout: 5_000,
    });
    const error = yield* timeout(10_000, caught(db.query(sql`select 1`)));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).reason).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    expect(proxy.secured()).toBe(0);
  });

  it("refuses ssl: 'require' against a server without SSL, with a ConnectionError", function* () {
    const db = yield* usePostgres({ ...server, ssl: "require", max: 1, connectTimeout: 5_000 });
    const error = yield* timeout(10_000, caught(db.query(sql`select 1`)));
    expect(error).toBeInstanceOf(ConnectionError);
  });
});
