import { brotliCompressSync, constants, deflateSync, gzipSync } from "node:zlib";
import { each } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { failure, useTestServer, withoutLeaks } from "../test/servers.js";
import { useHttpClient } from "./client.js";
import { MalformedResponseError } from "./errors.js";

/** 300 KiB of text that differs along the way, so that it compresses but not to nothing. */
const TEXT = Array.from({ length: 12_000 }, (_, n) => `line ${n} of the body\n`).join("");
const CODINGS = {
  gzip: gzipSync,
  deflate: deflateSync,
  br: (input: Buffer) =>
    brotliCompressSync(input, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }),
} as const;

describe("response decompression", () => {
  for (const [coding, compress] of Object.entries(CODINGS)) {
    it(`decodes a ${coding} body read whole and streamed`, function* () {
      const encoded = compress(Buffer.from(TEXT));
      yield* withoutLeaks(function* () {
        const accepted: (string | undefined)[] = [];
        const server = yield* useTestServer((request, response) => {
          accepted.push(request.headers["accept-encoding"]);
          response.setHeader("content-encoding", coding);
          response.end(encoded);
        });
        const client = yield* useHttpClient({ maxResponseBytes: TEXT.length });
        expect(yield* client.text(server.url)).toBe(TEXT);
        const response = yield* client.get(server.url);
        expect(response.headers["content-encoding"]).toBe(coding);
        const chunks: Buffer[] = [];
        for (const chunk of yield* each(response.body)) {
          chunks.push(Buffer.from(chunk));
          yield* each.next();
        }
        expect(Buffer.concat(chunks).toString()).toBe(TEXT);
        expect(accepted).toEqual(["gzip, deflate, br", "gzip, deflate, br"]);
      });
    });
  }

  it("leaves the body as sent with decompress: false, and an unknown coding alone", function* () {
    const encoded = gzipSync(Buffer.from(TEXT));
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer((request, response) => {
        response.setHeader("content-encoding", request.url === "/zstd" ? "zstd" : "gzip");
        response.end(encoded);
      });
      const client = yield* useHttpClient({ baseUrl: server.url });
      const raw = yield* client.bytes("/", { decompress: false });
      expect(Buffer.from(raw).equals(encoded)).toBe(true);
      const unknown = yield* client.bytes("/zstd");
      expect(Buffer.from(unknown).equals(encoded)).toBe(true);
    });
  });

  it("reports a body that does not decompress as MalformedResponseError", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer((_, response) => {
        response.setHeader("content-encoding", "gzip");
        response.end("this is not gzip at all");
      });
      const client = yield* useHttpClient();
      const error = yield* failure(client.text(server.url));
      expect(error).toBeInstanceOf(MalformedResponseError);
      expect((error as MalformedResponseError).reason).toBe("decompression");
      expect((error as MalformedResponseError).status).toBe(200);
    });
  });

  it("reads an empty gzip-labelled body (a HEAD, a 204) as empty", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer((_, response) => {
        response.writeHead(200, { "content-encoding": "gzip", "content-length": "0" });
        response.end();
      });
      const client = yield* useHttpClient();
      expect(yield* client.text(server.url)).toBe("");
      const head = yield* client.head(server.url);
      expect(yield* head.text()).toBe("");
    });
  });
});
