import type { Socket } from "node:net";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { type Operation, scoped, spawn, suspend, withResolvers } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { trickle, useRawServer } from "../test/raw-servers.js";
import { failure, withoutLeaks } from "../test/servers.js";
import { BodyUsedError } from "./body-errors.js";
import { useHttpClient } from "./client.js";
import {
  ConnectError,
  HttpStatusError,
  HttpTimeoutError,
  InvalidRequestError,
  InvalidResponseJsonError,
  InvalidUrlError,
  MalformedResponseError,
  RequestBodyError,
  ResponseTooLargeError,
  SocketError,
  TooManyRedirectsError,
} from "./errors.js";

const TYPED = [
  BodyUsedError,
  ConnectError,
  HttpStatusError,
  HttpTimeoutError,
  InvalidRequestError,
  InvalidResponseJsonError,
  InvalidUrlError,
  MalformedResponseError,
  RequestBodyError,
  ResponseTooLargeError,
  SocketError,
  TooManyRedirectsError,
];

/** Check that `error` is one of the package's errors, with its stable code and the URL. */
function expectTyped(error: Error, code: string, url: string): void {
  expect(
    TYPED.some((type) => error instanceof type),
    `${error.name}: ${error.message}`,
  ).toBe(true);
  expect((error as Error & { code: string }).code).toBe(code);
  expect((error as Error & { url?: string }).url ?? (error as TooManyRedirectsError).chain[0]).toBe(
    url,
  );
}

/** Run `operation`, returning its error and how long it took to fail. */
function* timedFailure(operation: Operation<unknown>): Operation<[Error, number]> {
  const started = Date.now();
  const error = yield* failure(operation);
  return [error, Date.now() - started];
}

function respond(socket: Socket, head: string, body: string | Buffer = ""): void {
  socket.write(head);
  socket.end(body);
}

describe("useHttpClient() against a hostile server", () => {
  it("reports a connection reset before the response as SocketError", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useRawServer((socket) => socket.resetAndDestroy());
      const client = yield* useHttpClient();
      const [error] = yield* timedFailure(client.text(`${server.url}/reset`));
      expectTyped(error, "socket", `${server.url}/reset`);
    });
  });

  it("reports stalled headers as a headers HttpTimeoutError within its bound", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useRawServer(() => {});
      const client = yield* useHttpClient({ timeouts: { headers: 150 } });
      const [error, ms] = yield* timedFailure(client.text(`${server.url}/stall`));
      expectTyped(error, "timeout", `${server.url}/stall`);
      expect((error as HttpTimeoutError).phase).toBe("headers");
      expect(ms).toBeLessThan(1500);
    });
  });

  it("reports a stalled body as a body HttpTimeoutError within its bound", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useRawServer((socket) => {
        socket.write("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n12345");
      });
      const client = yield* useHttpClient({ timeouts: { body: 150 } });
      const [error, ms] = yield* timedFailure(client.text(`${server.url}/half`));
      expectTyped(error, "timeout", `${server.url}/half`);
      expect((error as HttpTimeoutError).phase).toBe("body");
      expect(ms).toBeLessThan(1500);
    });
  });

  it("stops a trickling body at the total timeout", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useRawServer((socket) => {
        socket.write("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n");
        trickle(socket, 50, "1\r\nx\r\n");
      });
      const client = yield* useHttpClient({ timeouts: { body: 1000, total: 400 } });
      const [error, ms] = yield* timedFailure(client.text(`${server.url}/trickle`));
      expectTyped(error, "timeout", `${server.url}/trickle`);
      expect((error as HttpTimeoutError).phase).toBe("total");
      expect(ms).toBeLessThan(1500);
    });
  });

  const malformed: [string, string, (error: MalformedResponseError) => void][] = [
    [
      "headers over the limit, not undici's HeadersOverflowError",
      `HTTP/1.1 200 OK\r\nx-huge: ${"a".repeat(128 * 1024)}\r\ncontent-length: 0\r\n\r\n`,
      (error) => expect(error.reason).toBe("headers-too-large"),
    ],
    [
      "a malformed status line, not undici's HTTPParserError",
      "HTTP/1.1 OK GARBAGE\r\n\r\n",
      (error) => expect(error.reason).toMatch(/^HPE_/),
    ],
    [
      "a broken chunked encoding, with the status",
      "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nhello\r\n",
      (error) => expect(error.status).toBe(200),
    ],
  ];
  for (const [what, response, check] of malformed) {
    it(`reports ${what} as MalformedResponseError`, function* () {
      yield* withoutLeaks(function* () {
        const server = yield* useRawServer((socket) => respond(socket, response));
        const client = yield* useHttpClient();
        const [error] = yield* timedFailure(client.text(`${server.url}/bad`));
        expectTyped(error, "malformed-response", `${server.url}/bad`);
        check(error as MalformedResponseError);
      });
    });
  }

  it("reports a body that is not JSON as InvalidResponseJsonError with the URL, status and body", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useRawServer((socket) =>
        respond(socket, "HTTP/1.1 200 OK\r\ncontent-length: 13\r\n\r\n", "<html></html>"),
      );
      const client = yield* useHttpClient();
      const [error] = yield* timedFailure(client.json(`${server.url}/page`));
      expectTyped(error, "invalid-response-json", `${server.url}/page`);
      expect((error as InvalidResponseJsonError).status).toBe(200);
      expect((error as InvalidResponseJsonError).body).toBe("<html></html>");
    });
  });

  it("reports json() of a 204 as InvalidResponseJsonError, not a bare SyntaxError", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useRawServer((socket) =>
        respond(socket, "HTTP/1.1 204 No Content\r\n\r\n"),
      );
      const client = yield* useHttpClient();
      const [error] = yield* timedFailure(client.json(`${server.url}/empty`));
      expectTyped(error, "invalid-response-json", `${server.url}/empty`);
      expect((error as InvalidResponseJsonError).status).toBe(204);
    });
  });

  for (const [coding, compress] of [
    ["gzip", gzipSync],
    [
      "br",
      (input: Buffer) =>
        brotliCompressSync(input, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }),
    ],
  ] as const) {
    it(`refuses a ${coding} decompression bomb at the decoded size limit`, function* () {
      const bomb = compress(Buffer.alloc(8 * 1024 * 1024));
      expect(bomb.length).toBeLessThan(16 * 1024);
      yield* withoutLeaks(function* () {
        const server = yield* useRawServer((socket) =>
          respond(
            socket,
            `HTTP/1.1 200 OK\r\ncontent-encoding: ${coding}\r\ncontent-length: ${bomb.length}\r\n\r\n`,
            bomb,
          ),
        );
        const client = yield* useHttpClient({ maxResponseBytes: 1024 * 1024 });
        const [error] = yield* timedFailure(client.bytes(`${server.url}/bomb`));
        expectTyped(error, "response-too-large", `${server.url}/bomb`);
        expect((error as ResponseTooLargeError).limit).toBe(1024 * 1024);
        expect((error as ResponseTooLargeError).received).toBeGreaterThan(1024 * 1024);
        expect((error as ResponseTooLargeError).received).toBeLessThan(4 * 1024 * 1024);
      });
    });
  }

  it("reports a redirect loop across three hosts as TooManyRedirectsError", function* () {
    yield* withoutLeaks(function* () {
      const hops: string[] = [];
      const ports: number[] = [];
      const next = (n: number) => {
        const hosts = ["127.0.0.1", "127.0.0.2", "localhost"];
        return `http://${hosts[n % 3]}:${ports[n % 3 === 2 ? 0 : n % 3]}/hop${n}`;
      };
      const answer = (socket: Socket, request: string) => {
        const n = Number(/GET \/hop(\d+)/.exec(request)?.[1] ?? 0);
        hops.push(`${/host: (\S+)/i.exec(request)?.[1]}/hop${n}`);
        respond(
          socket,
          `HTTP/1.1 302 Found\r\nlocation: ${next(n + 1)}\r\ncontent-length: 0\r\n\r\n`,
        );
      };
      const a = yield* useRawServer(answer, "127.0.0.1");
      const b = yield* useRawServer(answer, "127.0.0.2");
      ports.push(a.port, b.port);
      const client = yield* useHttpClient({ maxRedirects: 4 });
      const [error] = yield* timedFailure(client.text(next(0)));
      expectTyped(error, "too-many-redirects", next(0));
      expect((error as TooManyRedirectsError).chain).toEqual([0, 1, 2, 3, 4].map(next));
      expect(hops).toEqual([0, 1, 2, 3, 4].map((n) => next(n).slice("http://".length)));
    });
  });

  const forms: [string, string, number][] = [
    ["delay-seconds", "0", 2],
    ["an HTTP-date in the past", "Thu, 01 Jan 2015 00:00:00 GMT", 2],
    ["an obsolete RFC 850 date", "Thursday, 01-Jan-15 00:00:00 GMT", 2],
    ["an obsolete asctime date", "Thu Jan  1 00:00:00 2015", 2],
    ["a fraction (ignored)", "1.5", 2],
    ["a negative number (ignored)", "-5", 2],
    ["text (ignored)", "soon", 2],
    ["a date past the cap", "Fri, 01 Jan 2100 00:00:00 GMT", 1],
    ["seconds past the cap", "3600", 1],
  ];
  for (const status of [429, 503]) {
    for (const [form, value, requests] of forms) {
      it(`ends a ${status} with Retry-After as ${form} in HttpStatusError after ${requests} request(s)`, function* () {
        yield* withoutLeaks(function* () {
          let seen = 0;
          const server = yield* useRawServer((socket) => {
            seen++;
            respond(
              socket,
              `HTTP/1.1 ${status} Busy\r\nretry-after: ${value}\r\ncontent-length: 4\r\n\r\n`,
              "busy",
            );
          });
          const client = yield* useHttpClient({
            retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 2000 },
          });
          const [error, ms] = yield* timedFailure(client.text(`${server.url}/busy`));
          expectTyped(error, "http-status", `${server.url}/busy`);
          expect((error as HttpStatusError).status).toBe(status);
          expect((error as HttpStatusError).body).toBe("busy");
          expect(seen).toBe(requests);
          expect(ms).toBeLessThan(1500);
        });
      });
    }
  }

  it("reports a refused connection as ConnectError", function* () {
    yield* withoutLeaks(function* () {
      const closed = yield* scoped(function* () {
        const server = yield* useRawServer(() => {});
        return server.url;
      });
      const client = yield* useHttpClient();
      const [error] = yield* timedFailure(client.text(`${closed}/gone`));
      expectTyped(error, "connect", `${closed}/gone`);
    });
  });
});

describe("draining a body nobody read", () => {
  it("ends the scope within its bound against a server trickling a byte every 900 ms", function* () {
    yield* withoutLeaks(function* () {
      const closed = withResolvers<void>();
      const server = yield* useRawServer((socket) => {
        socket.on("close", () => closed.resolve());
        socket.write("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\nx\r\n");
        trickle(socket, 900, "1\r\nx\r\n");
      });
      const client = yield* useHttpClient();
      const started = Date.now();
      const status = yield* scoped(function* () {
        const response = yield* client.get(server.url);
        return response.status;
      });
      expect(status).toBe(200);
      expect(Date.now() - started).toBeLessThan(2500);
      yield* closed.operation;
    });
  }, 10_000);

  it("lets halt() settle within its bound against a server trickling a byte every 900 ms", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useRawServer((socket) => {
        socket.write("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\nx\r\n");
        trickle(socket, 900, "1\r\nx\r\n");
      });
      const client = yield* useHttpClient();
      const got = withResolvers<void>();
      const task = yield* spawn(function* () {
        yield* client.get(server.url);
        got.resolve();
        yield* suspend();
      });
      yield* got.operation;
      const started = Date.now();
      yield* task.halt();
      expect(Date.now() - started).toBeLessThan(2500);
    });
  }, 10_000);
});
