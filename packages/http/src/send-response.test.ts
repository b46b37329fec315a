import { until } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { withoutLeaks } from "../test/servers.js";
import { type RequestOptions, useHttpClient } from "./client.js";
import { FixedResponse, fixedResponse, jsonResponse } from "./fixed-response.js";
import type { Handler } from "./router.js";
import { useHttpServer } from "./server.js";

function* fetchFrom(handler: Handler, init: RequestOptions = {}) {
  const server = yield* useHttpServer({ handler });
  const client = yield* useHttpClient();
  const response = yield* client.request(`${server.url}/path?q=1`, init);
  return { headers: response.headers, status: response.status, text: yield* response.text() };
}

describe("sending a handler's Response", () => {
  it("sends a body made from bytes in one piece with its content-length", function* () {
    yield* withoutLeaks(function* () {
      const reply = yield* fetchFrom(function* () {
        return new Response(new TextEncoder().encode("some bytes"), {
          status: 201,
          headers: { "x-kind": "bytes" },
        });
      });
      expect(reply.status).toBe(201);
      expect(reply.headers["content-length"]).toBe("10");
      expect(reply.headers["transfer-encoding"]).toBeUndefined();
      expect(reply.headers["x-kind"]).toBe("bytes");
      expect(reply.text).toBe("some bytes");
    });
  });

  it("counts the content-length of a text body in UTF-8 bytes", function* () {
    yield* withoutLeaks(function* () {
      const reply = yield* fetchFrom(function* () {
        return new Response("héllo wörld ✓");
      });
      expect(reply.headers["content-length"]).toBe(String(Buffer.byteLength("héllo wörld ✓")));
      expect(reply.headers["content-type"]).toBe("text/plain;charset=UTF-8");
      expect(reply.text).toBe("héllo wörld ✓");
    });
  });

  it("streams a ReadableStream body chunk by chunk with chunked encoding", function* () {
    yield* withoutLeaks(function* () {
      const reply = yield* fetchFrom(function* () {
        const encoder = new TextEncoder();
        const parts = ["one ", "two ", "three"];
        return new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              const part = parts.shift();
              if (part === undefined) controller.close();
              else controller.enqueue(encoder.encode(part));
            },
          }),
        );
      });
      expect(reply.headers["transfer-encoding"]).toBe("chunked");
      expect(reply.text).toBe("one two three");
    });
  });

  it("sends only what is left of a body the handler has already read from", function* () {
    yield* withoutLeaks(function* () {
      const reply = yield* fetchFrom(function* () {
        const response = new Response("abc");
        const reader = response.body!.getReader();
        yield* until(reader.read());
        reader.releaseLock();
        return response;
      });
      expect(reply.headers["transfer-encoding"]).toBe("chunked");
      expect(reply.text).toBe("");
    });
  });

  it("keeps each set-cookie header separate and sends an empty body for a null body", function* () {
    yield* withoutLeaks(function* () {
      const reply = yield* fetchFrom(function* () {
        const headers = new Headers();
        headers.append("set-cookie", "a=1; Path=/");
        headers.append("set-cookie", "b=2; Path=/");
        return new Response(null, { status: 202, headers });
      });
      expect(reply.status).toBe(202);
      expect(reply.headers["set-cookie"]).toEqual(["a=1; Path=/", "b=2; Path=/"]);
      expect(reply.text).toBe("");
    });
  });

  it("gives the handler a Request with the URL, method, every header and the body", function* () {
    yield* withoutLeaks(function* () {
      const reply = yield* fetchFrom(
        function* (request) {
          expect(request).toBeInstanceOf(Request);
          const body = yield* until(request.text());
          return Response.json({
            url: request.url,
            method: request.method,
            type: request.headers.get("content-type"),
            trace: request.headers.get("x-trace"),
            body,
          });
        },
        {
          method: "PUT",
          body: "payload",
          headers: { "content-type": "text/plain", "x-trace": "t1" },
        },
      );
      const seen = JSON.parse(reply.text) as Record<string, string>;
      expect(seen.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/path\?q=1$/);
      expect(seen.method).toBe("PUT");
      expect(seen.type).toBe("text/plain");
      expect(seen.trace).toBe("t1");
      expect(seen.body).toBe("payload");
    });
  });

  it("sends a fixedResponse in one piece with its content-length and headers", function* () {
    yield* withoutLeaks(function* () {
      const bytes = yield* fetchFrom(function* () {
        return fixedResponse(new TextEncoder().encode("some bytes"), {
          status: 201,
          headers: { "x-kind": "fixed" },
        });
      });
      expect(bytes.status).toBe(201);
      expect(bytes.headers["content-length"]).toBe("10");
      expect(bytes.headers["transfer-encoding"]).toBeUndefined();
      expect(bytes.headers["x-kind"]).toBe("fixed");
      expect(bytes.headers["content-type"]).toBeUndefined();
      expect(bytes.text).toBe("some bytes");
      const text = yield* fetchFrom(function* () {
        return fixedResponse("héllo ✓");
      });
      expect(text.headers["content-length"]).toBe(String(Buffer.byteLength("héllo ✓")));
      expect(text.headers["content-type"]).toBe("text/plain;charset=UTF-8");
      expect(text.text).toBe("héllo ✓");
    });
  });

  it("sends what is left of a fixedResponse the handler has read from", function* () {
    yield* withoutLeaks(function* () {
      const reply = yield* fetchFrom(function* () {
        const response = fixedResponse("abc");
        const reader = response.body!.getReader();
        yield* until(reader.read());
        reader.releaseLock();
        return response;
      });
      expect(reply.headers["transfer-encoding"]).toBe("chunked");
      expect(reply.text).toBe("");
    });
  });
});

describe("fixedResponse()", () => {
  it("behaves as new Response(body, init) does", function* () {
    const fixed = fixedResponse("text body", { status: 202, statusText: "Later" });
    const plain = new Response("text body", { status: 202, statusText: "Later" });
    expect(fixed).toBeInstanceOf(Response);
    for (const response of [fixed, plain]) {
      expect(response.status).toBe(202);
      expect(response.statusText).toBe("Later");
      expect(response.ok).toBe(true);
      expect(response.type).toBe("default");
      expect(response.headers.get("content-type")).toBe("text/plain;charset=UTF-8");
      expect(response.bodyUsed).toBe(false);
      const copy = response.clone();
      expect(yield* until(response.text())).toBe("text body");
      expect(response.bodyUsed).toBe(true);
      expect(yield* until(copy.arrayBuffer())).toEqual(
        new TextEncoder().encode("text body").buffer,
      );
      expect(() => response.clone()).toThrow(TypeError);
      const again = yield* until(
        response.text().then(
          () => undefined,
          (error: unknown) => error,
        ),
      );
      expect(again).toBeInstanceOf(TypeError);
    }
    expect(yield* until(fixedResponse(new Uint8Array([1, 2])).bytes())).toEqual(
      new Uint8Array([1, 2]),
    );
    expect(yield* until(fixedResponse('{"a":1}').json())).toEqual({ a: 1 });
    expect(() => fixedResponse("x", { status: 204 })).toThrow(TypeError);
    expect(() => new Response("x", { status: 204 })).toThrow(TypeError);
  });

  it("builds no Response of the runtime's until something reads it", function* () {
    // Node 20's Response keeps its state under symbols: the lazy stand-in is in use there.
    for (const response of [fixedResponse("x"), jsonResponse({ a: 1 })]) {
      expect(response).toBeInstanceOf(FixedResponse);
      expect(FixedResponse.sourceOf(response as unknown as FixedResponse)).toBeDefined();
      expect(FixedResponse.plainHeadersOf(response as unknown as FixedResponse)).toBeDefined();
    }
    const read = fixedResponse("x") as unknown as FixedResponse;
    void (read as unknown as Response).headers;
    expect(FixedResponse.plainHeadersOf(read)).toBeUndefined();
    void (read as unknown as Response).body;
    expect(FixedResponse.sourceOf(read)).toBeUndefined();
  });

  it("checks and normalizes its init as new Response(body, init) does", function* () {
    const cases: ResponseInit[] = [
      { headers: { "X-Mixed": " \t padded\u00a0 ", "content-type": "text/csv" } },
      { headers: { "x-a": "1", "X-A": "2" } },
      {
        headers: [
          ["x-pair", "1"],
          ["x-pair", "2"],
        ],
      },
      { headers: new Headers({ "x-from": "headers" }) },
      { status: 599, statusText: "Odd" },
    ];
    for (const init of cases) {
      const fixed = fixedResponse("body", init);
      const plain = new Response("body", init);
      expect([...fixed.headers]).toEqual([...plain.headers]);
      expect([fixed.status, fixed.statusText, fixed.ok]).toEqual([
        plain.status,
        plain.statusText,
        plain.ok,
      ]);
    }
    const bad: ResponseInit[] = [
      { headers: { "bad name": "x" } },
      { headers: { "x-ok": "line\nbreak" } },
      { headers: { "x-wide": "\u2713" } },
      { status: 99 },
      { status: 600 },
      { statusText: "new\nline" },
    ];
    for (const init of bad) {
      expect(() => new Response("body", init)).toThrow();
      const thrown = (() => {
        try {
          fixedResponse("body", init);
        } catch (error) {
          return error;
        }
      })();
      expect(thrown, JSON.stringify(init)).toBeInstanceOf(Error);
      expect((thrown as Error).constructor).toBe(
        (() => {
          try {
            new Response("body", init);
          } catch (error) {
            return (error as Error).constructor;
          }
        })(),
      );
    }
  });

  it("sends the headers as the handler left them after reading and changing them", function* () {
    yield* withoutLeaks(function* () {
      const reply = yield* fetchFrom(function* () {
        const response = fixedResponse("changed", { headers: { "x-before": "1" } });
        response.headers.set("x-after", "2");
        response.headers.delete("x-before");
        return response;
      });
      expect(reply.headers["x-after"]).toBe("2");
      expect(reply.headers["x-before"]).toBeUndefined();
      expect(reply.headers["content-length"]).toBe("7");
      expect(reply.text).toBe("changed");
    });
  });

  it("gives a clone the headers changed before it was made", function* () {
    const response = fixedResponse("x", { headers: { "x-one": "1" } });
    response.headers.append("x-two", "2");
    const copy = response.clone();
    expect(copy.headers.get("x-one")).toBe("1");
    expect(copy.headers.get("x-two")).toBe("2");
    expect(yield* until(copy.text())).toBe("x");
  });

  it("answers as Response.json does in jsonResponse()", function* () {
    const data = { id: 7, tags: ["a", "b"] };
    for (const init of [
      {},
      { status: 201, headers: { "content-type": "application/vnd.x+json" } },
    ]) {
      const fixed = jsonResponse(data, init);
      const plain = Response.json(data, init);
      expect([...fixed.headers]).toEqual([...plain.headers]);
      expect(fixed.status).toBe(plain.status);
      expect(yield* until(fixed.json())).toEqual(yield* until(plain.json()));
    }
    expect(() => jsonResponse(undefined)).toThrow(TypeError);
    expect(() => Response.json(undefined)).toThrow(TypeError);
    yield* withoutLeaks(function* () {
      const reply = yield* fetchFrom(function* () {
        return jsonResponse({ ok: "✓" });
      });
      expect(reply.headers["content-type"]).toBe("application/json");
      expect(reply.headers["content-length"]).toBe(String(Buffer.byteLength('{"ok":"✓"}')));
      expect(JSON.parse(reply.text)).toEqual({ ok: "✓" });
    });
  });
});
