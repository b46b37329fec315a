import type { IncomingMessage } from "node:http";
import { each } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { failure, useTestServer, withoutLeaks } from "../test/servers.js";
import { useHttpClient } from "./client.js";
import { InvalidRequestError, ResponseTooLargeError } from "./errors.js";

/** Echo the request's content-type, content-length and body as JSON. */
function echo(request: IncomingMessage, response: import("node:http").ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    response.setHeader("content-type", "application/json");
    response.end(
      JSON.stringify({
        type: request.headers["content-type"] ?? null,
        length: request.headers["content-length"] ?? null,
        body: Buffer.concat(chunks).toString("latin1"),
      }),
    );
  });
}

interface Echo {
  type: string | null;
  length: string | null;
  body: string;
}

describe("request bodies", () => {
  it("sends an ArrayBuffer and a typed array view as their bytes", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer(echo);
      const client = yield* useHttpClient({ baseUrl: server.url });
      const buffer = new Uint8Array([104, 105, 33]).buffer;
      expect(yield* client.json<Echo>("/", { method: "POST", body: buffer })).toEqual({
        type: null,
        length: "3",
        body: "hi!",
      });
      const words = new Uint16Array([0x6968, 0x2121]);
      const view = new DataView(words.buffer, 1, 2);
      const sent = yield* client.json<Echo>("/", { method: "POST", body: view });
      expect(sent.body).toBe("i!");
    });
  });

  it("sends URLSearchParams as a form", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer(echo);
      const client = yield* useHttpClient({ baseUrl: server.url });
      const form = new URLSearchParams({ name: "ada lovelace", lang: "en&fr" });
      expect(yield* client.json<Echo>("/", { method: "POST", body: form })).toEqual({
        type: "application/x-www-form-urlencoded;charset=UTF-8",
        length: "30",
        body: "name=ada+lovelace&lang=en%26fr",
      });
    });
  });

  it("sends a Blob with its type and FormData as multipart/form-data", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useTestServer(echo);
      const client = yield* useHttpClient({ baseUrl: server.url });
      const blob = new Blob(["<b>bold</b>"], { type: "text/html" });
      expect(yield* client.json<Echo>("/", { method: "PUT", body: blob })).toEqual({
        type: "text/html",
        length: "11",
        body: "<b>bold</b>",
      });
      const form = new FormData();
      form.append("name", "ada");
      form.append("file", new Blob(["file contents"], { type: "text/plain" }), "notes.txt");
      const sent = yield* client.json<Echo>("/", {
        method: "POST",
        body: form,
        headers: { "content-type": "text/plain" },
      });
      const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(sent.type ?? "")?.[1];
      expect(boundary).toBeDefined();
      expect(sent.body).toContain(`--${boundary}\r\nContent-Disposition: form-data; name="name"`);
      expect(sent.body).toContain(
        'filename="notes.txt"\r\nContent-Type: text/plain\r\n\r\nfile contents',
      );
      expect(sent.body.endsWith(`--${boundary}--\r\n`)).toBe(true);
      expect(Number(sent.length)).toBe(sent.body.length);
    });
  });

  it("rejects a body it cannot send at the call with InvalidRequestError naming it", function* () {
    yield* withoutLeaks(function* () {
      let requests = 0;
      const server = yield* useTestServer((_, response) => {
        requests++;
        response.end();
      });
      const client = yield* useHttpClient({ baseUrl: server.url });
      for (const body of [42, { name: "ada" }, true]) {
        const error = yield* failure(client.post("/", { body: body as never }));
        expect(error).toBeInstanceOf(InvalidRequestError);
        expect((error as InvalidRequestError).code).toBe("invalid-request");
        expect((error as InvalidRequestError).value).toBe(body);
        expect(error.message).toContain("json");
      }
      expect(requests).toBe(0);
    });
  });
});

describe("maxResponseBytes", () => {
  const MIB = 1024 * 1024;
  function* bigServer() {
    return yield* useTestServer((_, response) => {
      const chunk = Buffer.alloc(64 * 1024, 97);
      let left = 4 * MIB;
      const pump = () => {
        while (left > 0) {
          left -= chunk.length;
          if (!response.write(chunk)) return void response.once("drain", pump);
        }
        response.end();
      };
      pump();
    });
  }

  it("applies to a streamed response.body too", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* bigServer();
      const client = yield* useHttpClient({ maxResponseBytes: MIB });
      const response = yield* client.get(server.url);
      let read = 0;
      const error = yield* failure(
        (function* () {
          for (const chunk of yield* each(response.body)) {
            read += chunk.byteLength;
            yield* each.next();
          }
        })(),
      );
      expect(error).toBeInstanceOf(ResponseTooLargeError);
      expect(read).toBeLessThanOrEqual(MIB);
    });
  });

  it("lets a streaming read opt out with maxResponseBytes: Infinity", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* bigServer();
      const client = yield* useHttpClient({ maxResponseBytes: MIB });
      const response = yield* client.get(server.url, { maxResponseBytes: Infinity });
      let read = 0;
      for (const chunk of yield* each(response.body)) {
        read += chunk.byteLength;
        yield* each.next();
      }
      expect(read).toBe(4 * MIB);
    });
  });

  it("refuses a limit that is not a number of bytes", function* () {
    for (const limit of [-1, Number.NaN, "1mb"]) {
      const error = yield* failure(useHttpClient({ maxResponseBytes: limit as number }));
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as InvalidRequestError).value).toBe(limit);
    }
  });
});
