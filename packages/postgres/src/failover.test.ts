import { createServer, type Server, type Socket } from "node:net";
import { action, type Operation, resource, timeout, until } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { serverConfigured } from "../test/server.js";
import { caught } from "../test/suite.js";
import { ConnectionError, InvalidArgumentError, sql, usePostgres } from "./mod.js";
import { resolveServerSettings } from "./options.js";

const server = {
  host: process.env.PGHOST ?? "127.0.0.1",
  port: Number(process.env.PGPORT ?? 5432),
};

function* listening(handler: (socket: Socket) => void): Operation<Server> {
  const listener = createServer(handler);
  yield* action<void>((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(0, "127.0.0.1", () => resolve());
    return () => listener.off("error", reject);
  });
  return listener;
}

function portOf(listener: Server): number {
  const address = listener.address();
  return typeof address === "object" && address !== null ? address.port : 0;
}

/** A port on 127.0.0.1 that nothing listens on: one just closed. */
function* deadPort(): Operation<number> {
  const listener = yield* listening(() => {});
  const port = portOf(listener);
  yield* until(new Promise<void>((resolve) => listener.close(() => resolve())));
  return port;
}

/** A port that accepts connections and never says a word, closed with them when the scope ends. */
function useSilentPort(): Operation<number> {
  return resource<number>(function* (provide) {
    const sockets = new Set<Socket>();
    const listener = yield* listening((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    try {
      yield* provide(portOf(listener));
    } finally {
      for (const socket of sockets) socket.destroy();
      yield* until(new Promise<void>((resolve) => listener.close(() => resolve())));
    }
  });
}

describe("several hosts", () => {
  it("reads a host list from the URL, the options and PG* variables, each host with its port", function* () {
    const url = resolveServerSettings({ env: {}, url: "postgres://u@db1:6000,[::1],db3:6002/app" });
    expect(url.hosts).toEqual([
      { host: "db1", port: 6000 },
      { host: "::1", port: 5432 },
      { host: "db3", port: 6002 },
    ]);
    expect([url.host, url.port, url.user, url.database]).toEqual(["db1", 6000, "u", "app"]);
    const env = resolveServerSettings({ env: { PGHOST: "a,b", PGPORT: "6000,6001" } });
    expect(env.hosts).toEqual([
      { host: "a", port: 6000 },
      { host: "b", port: 6001 },
    ]);
    const option = resolveServerSettings({ env: {}, host: "a,b", port: 7000 });
    expect(option.hosts).toEqual([
      { host: "a", port: 7000 },
      { host: "b", port: 7000 },
    ]);
    const query = resolveServerSettings({ env: {}, url: "postgres://u@x/d?host=a,b&port=1,2" });
    expect(query.hosts.map((endpoint) => endpoint.port)).toEqual([1, 2]);
  });

  it("rejects a port list that does not match the hosts, and an empty host, with the value", function* () {
    const bad = [
      { env: { PGHOST: "a,b,c", PGPORT: "1,2" }, value: "1,2" },
      { env: { PGHOST: "a,,b" }, value: "" },
    ];
    for (const { env, value } of bad) {
      try {
        resolveServerSettings({ env });
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect((error as InvalidArgumentError).value).toBe(value);
      }
    }
  });

  describe.runIf(serverConfigured)("on a server", () => {
    it("connects to the next host when the first refuses, and names every host as its target", function* () {
      const dead = yield* deadPort();
      const db = yield* usePostgres({
        url: `postgres://postgres@127.0.0.1:${dead},${server.host}:${server.port}/test`,
        max: 2,
        connectTimeout: 5_000,
      });
      expect(db.target).toBe(
        `postgres://postgres@127.0.0.1:${dead},${server.host}:${server.port}/test`,
      );
      const rows = yield* timeout(
        10_000,
        db.query<{ port: number }>(sql`select inet_server_port() as port`),
      );
      expect(rows[0]?.port).toBe(server.port);
    });

    it("passes over a host that does not answer within connectTimeout", function* () {
      const silent = yield* useSilentPort();
      const db = yield* usePostgres({
        host: `127.0.0.1,${server.host}`,
        env: { PGPORT: `${silent},${server.port}`, PGUSER: "postgres", PGDATABASE: "test" },
        connectTimeout: 500,
      });
      const [row] = yield* timeout(10_000, db.query<{ one: number }>(sql`select ${1}::int as one`));
      expect(row?.one).toBe(1);
    });

    it("fails with a ConnectionError when every host refuses, instead of trying them forever", function* () {
      // postgres.js 3.4.9 went round the list again and again, and the query never settled.
      const first = yield* deadPort();
      const second = yield* deadPort();
      const db = yield* usePostgres({
        host: "127.0.0.1,127.0.0.1",
        env: { PGPORT: `${first},${second}`, PGUSER: "postgres", PGDATABASE: "test" },
        connectTimeout: 5_000,
      });
      const error = yield* timeout(10_000, caught(db.query(sql`select 1`)));
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as ConnectionError).reason).toBe("ECONNREFUSED");
    });
  });
});
