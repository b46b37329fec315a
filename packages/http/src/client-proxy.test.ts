import { createServer, request as forward } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { action, type Operation, resource } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { failure, useTestServer, withoutLeaks } from "../test/servers.js";
import { useHttpClient } from "./client.js";
import { InvalidUrlError } from "./errors.js";

/** What a proxy saw: one line per request, `CONNECT host:port` or `GET http://...`. */
interface TestProxy {
  url: string;
  seen: string[];
  /** The proxy-authorization headers it was sent. */
  auth: (string | undefined)[];
}

/** A forward and CONNECT proxy on loopback, closed with the test's scope. */
function useTestProxy(): Operation<TestProxy> {
  return resource<TestProxy>(function* (provide) {
    const state: TestProxy = { url: "", seen: [], auth: [] };
    const sockets = new Set<Socket>();
    const server = createServer((request, response) => {
      state.seen.push(`${request.method} ${request.url}`);
      state.auth.push(request.headers["proxy-authorization"]);
      const upstream = forward(request.url ?? "", {
        method: request.method,
        headers: request.headers,
      });
      upstream.on("response", (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      upstream.on("error", () => response.destroy());
      request.pipe(upstream);
    });
    server.on("connection", (socket: Socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    server.on("connect", (request, client: Socket, head: Buffer) => {
      state.seen.push(`CONNECT ${request.url}`);
      state.auth.push(request.headers["proxy-authorization"]);
      const [host, port] = (request.url ?? "").split(":");
      const target = connect(Number(port), host, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        target.write(head);
        target.pipe(client);
        client.pipe(target);
      });
      sockets.add(target);
      target.on("close", () => sockets.delete(target));
      target.on("error", () => client.destroy());
      client.on("error", () => target.destroy());
      client.on("close", () => target.destroy());
    });
    yield* action<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
      return () => server.off("error", reject);
    });
    state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      yield* provide(state);
    } finally {
      for (const socket of sockets) socket.destroy();
      yield* action<void>((resolve) => {
        server.close(() => resolve());
        return () => {};
      });
    }
  });
}

const VARIABLES = [
  "HTTP_PROXY",
  "http_proxy",
  "HTTPS_PROXY",
  "https_proxy",
  "NO_PROXY",
  "no_proxy",
];

/** Run `body` with the proxy variables of the environment set as given, then put them back. */
function* withProxyEnvironment<T>(
  values: Record<string, string>,
  body: () => Operation<T>,
): Operation<T> {
  const saved = VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const name of VARIABLES) delete process.env[name];
  Object.assign(process.env, values);
  try {
    return yield* body();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

describe("proxies", () => {
  it("sends requests through the proxy given as an option, with its credentials", function* () {
    yield* withoutLeaks(function* () {
      const target = yield* useTestServer((request, response) =>
        response.end(`hello ${request.url}`),
      );
      const proxy = yield* useTestProxy();
      const address = new URL(proxy.url);
      const client = yield* useHttpClient({
        proxy: `http://ada:s%3Acret@${address.host}`,
      });
      expect(yield* client.text(`${target.url}/a`)).toBe("hello /a");
      const host = target.url.slice("http://".length);
      expect(proxy.seen.length).toBe(1);
      expect([`CONNECT ${host}`, `GET ${target.url}/a`]).toContain(proxy.seen[0]);
      expect(proxy.auth).toEqual([`Basic ${Buffer.from("ada:s:cret").toString("base64")}`]);
    });
  });

  it("follows HTTP_PROXY and NO_PROXY from the environment, and ignores them with proxy: false", function* () {
    yield* withoutLeaks(function* () {
      const target = yield* useTestServer((request, response) =>
        response.end(`hello ${request.url}`),
      );
      const other = yield* useTestServer((request, response) =>
        response.end(`other ${request.url}`),
      );
      const proxy = yield* useTestProxy();
      const otherPort = new URL(other.url).port;
      yield* withProxyEnvironment(
        { HTTP_PROXY: proxy.url, NO_PROXY: `127.0.0.1:${otherPort}` },
        function* () {
          const client = yield* useHttpClient();
          expect(yield* client.text(`${target.url}/via`)).toBe("hello /via");
          expect(proxy.seen.length).toBe(1);
          expect(yield* client.text(`${other.url}/direct`)).toBe("other /direct");
          expect(proxy.seen.length).toBe(1);
          const direct = yield* useHttpClient({ proxy: false });
          expect(yield* direct.text(`${target.url}/direct`)).toBe("hello /direct");
          expect(proxy.seen.length).toBe(1);
        },
      );
    });
  });

  it("refuses a proxy URL it cannot use", function* () {
    for (const proxy of ["not a url", "socks5://127.0.0.1:1080"]) {
      const error = yield* failure(useHttpClient({ proxy }));
      expect(error).toBeInstanceOf(InvalidUrlError);
      expect((error as InvalidUrlError).url).toBe(proxy);
    }
  });
});
