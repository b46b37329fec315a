import { type Operation, resource } from "@skein/core";
import { fixedResponse, jsonResponse } from "./fixed-response.js";

const NativeResponse = Response;

/**
 * Internal. A stand-in for the global `Response` constructor: `new Response(body, init)` with a
 * string or bytes body is a {@link fixedResponse} (built lazily, sent in one write), anything
 * else a real `Response`. `instanceof Response` holds for both, statics are the native ones
 * (`json` is {@link jsonResponse}), and a subclass (`class X extends Response`) gets real ones.
 */
const LightweightResponse: typeof Response = function Response(
  this: unknown,
  body?: BodyInit | null,
  init?: ResponseInit,
): Response {
  if (new.target === undefined) {
    throw new TypeError("Class constructor Response cannot be invoked without 'new'");
  }
  if (
    (new.target as unknown) === LightweightResponse &&
    (typeof body === "string" || body instanceof Uint8Array)
  ) {
    return fixedResponse(body, init);
  }
  const target = (new.target as unknown) === LightweightResponse ? NativeResponse : new.target;
  return Reflect.construct(NativeResponse, [body, init], target);
} as unknown as typeof Response;

Object.setPrototypeOf(LightweightResponse, NativeResponse);
Object.defineProperty(LightweightResponse, "prototype", { value: NativeResponse.prototype });
Object.defineProperty(LightweightResponse, "json", {
  configurable: true,
  writable: true,
  value: (data: unknown, init?: ResponseInit) => jsonResponse(data, init),
});

/**
 * Make the global `Response` a lightweight stand-in for as long as the current scope lives, as
 * `@hono/node-server` does by default (here only when asked): `new Response(text or bytes,
 * init)` and `Response.json(data, init)` then make the same objects as {@link fixedResponse}
 * and {@link jsonResponse}, which pass `instanceof Response`, behave as real ones for whoever
 * reads them, and cost a fraction to build and send. Other bodies (streams, blobs, forms) and
 * subclasses still get the real class. When the scope ends, the previous global is put back
 * (unless something else replaced it meanwhile). `useHttpServer({ lightweightResponse: true })`
 * does this for the server's lifetime.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { useLightweightResponse } from "@skein/http";
 *
 * await run(function* () {
 *   yield* useLightweightResponse();
 *   const response = new Response("hi", { headers: { "content-type": "text/plain" } });
 *   console.log(response instanceof Response, response.status); // true 200
 * });
 * ```
 *
 * @returns an operation that installs the stand-in until the current scope ends
 */
export function useLightweightResponse(): Operation<void> {
  return resource<void>(
    function* (provide) {
      const previous = globalThis.Response;
      globalThis.Response = LightweightResponse;
      try {
        yield* provide();
      } finally {
        if (globalThis.Response === LightweightResponse && previous !== LightweightResponse) {
          globalThis.Response = previous;
        }
      }
    },
    { name: "lightweight Response" },
  );
}
