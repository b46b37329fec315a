import { spawn, suspend, until, withResolvers } from "@skein/core";
import { describe, it } from "@skein/core/test";
import { expect } from "vitest";
import { withoutLeaks } from "../test/servers.js";
import { useHttpClient } from "./client.js";
import { useLightweightResponse } from "./lightweight-response.js";
import { useHttpServer } from "./server.js";

const Native = Response;

describe("useLightweightResponse()", () => {
  it("replaces the global Response only while its scope lives", function* () {
    const installed = withResolvers<void>();
    const task = yield* spawn(function* () {
      yield* useLightweightResponse();
      installed.resolve();
      yield* suspend();
    });
    yield* installed.operation;
    expect(globalThis.Response).not.toBe(Native);
    yield* task.halt();
    expect(globalThis.Response).toBe(Native);
  });

  it("makes responses that pass instanceof and read as real ones", function* () {
    const installed = withResolvers<void>();
    const task = yield* spawn(function* () {
      yield* useLightweightResponse();
      installed.resolve();
      yield* suspend();
    });
    yield* installed.operation;
    try {
      const text = new Response("héllo", { status: 201, headers: { "x-a": "1" } });
      expect(text).toBeInstanceOf(Native);
      expect(text).toBeInstanceOf(Response);
      // (Compared as a boolean: printing the stand-in's prototype would call its getters.)
      expect(Object.getPrototypeOf(text) === Native.prototype).toBe(false);
      expect(text.status).toBe(201);
      expect(text.headers.get("content-type")).toBe("text/plain;charset=UTF-8");
      expect(yield* until(text.text())).toBe("héllo");
      const json = Response.json({ a: 1 });
      expect(yield* until(json.json())).toEqual({ a: 1 });
      // Other bodies and subclasses are real responses.
      const streamed = new Response(new ReadableStream());
      expect(Object.getPrototypeOf(streamed) === Native.prototype).toBe(true);
      class Custom extends Response {}
      const custom = new Custom("x");
      expect(custom).toBeInstanceOf(Custom);
      expect(yield* until(custom.text())).toBe("x");
      expect(() => (Response as unknown as () => void)()).toThrow(TypeError);
      expect(() => new Response("x", { status: 99 })).toThrow(RangeError);
    } finally {
      yield* task.halt();
    }
  });

  it("is what useHttpServer({ lightweightResponse: true }) installs for the server's lifetime", function* () {
    yield* withoutLeaks(function* () {
      const server = yield* useHttpServer({
        lightweightResponse: true,
        *handler() {
          const response = new Response("fast", { headers: { "x-kind": "light" } });
          return new Response(
            `${Object.getPrototypeOf(response) !== Native.prototype} ${response.headers.get("x-kind")}`,
          );
        },
      });
      const client = yield* useHttpClient();
      expect(yield* client.text(server.url)).toBe("true light");
    });
    expect(globalThis.Response).toBe(Native);
  });
});
