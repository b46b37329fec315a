import { Readable } from "node:stream";
import { type Operation, until } from "@skein/core";
import { InvalidRequestError } from "./errors.js";
import type { StreamedBody } from "./upload.js";

/** Internal. A request body as the exchange sends it: in one piece, or as produced. */
export type EncodedBody = string | Uint8Array | StreamedBody | undefined;

/** Internal. A request body checked at the call: bytes are a `Uint8Array`. */
export type CheckedBody = string | Uint8Array | Blob | FormData | URLSearchParams | StreamedBody;

/**
 * Internal. Check a request body at the call and turn the in-memory kinds into bytes or text:
 * an `ArrayBuffer` or any typed array or `DataView` is sent as its bytes, `URLSearchParams` as
 * a form (`application/x-www-form-urlencoded`). A `Blob` or `FormData` is returned as it is,
 * for {@link readBody} to read once the request runs. Anything else is an
 * {@link InvalidRequestError}.
 */
export function checkBody(body: unknown, url: string): CheckedBody | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body))
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof URLSearchParams || body instanceof FormData || body instanceof Blob) {
    return body;
  }
  if (typeof body === "object" && isStreamedBody(body)) return body as StreamedBody;
  throw new InvalidRequestError(
    `a request body must be a string, bytes, an ArrayBuffer, a Blob, FormData, URLSearchParams or a stream of bytes, got ${describe(body)}; send objects with \`json\``,
    body,
    url,
  );
}

/**
 * Internal. Read a `Blob`, `FormData` or `URLSearchParams` body into bytes or text, with the
 * `content-type` it implies: FormData as `multipart/form-data`, encoded by the runtime's own
 * `Response` (the type names the boundary, so it must win over one set by hand), a form as
 * `application/x-www-form-urlencoded`, a Blob as its `type`. Other bodies are returned as they are.
 */
export function* readBody(
  body: CheckedBody | undefined,
): Operation<{ body: EncodedBody; type?: string | undefined; forced?: boolean }> {
  if (body instanceof FormData) {
    const encoded = new Response(body);
    const type = encoded.headers.get("content-type") ?? "multipart/form-data";
    return { body: new Uint8Array(yield* until(encoded.arrayBuffer())), type, forced: true };
  }
  if (body instanceof URLSearchParams) {
    return { body: body.toString(), type: "application/x-www-form-urlencoded;charset=UTF-8" };
  }
  if (body instanceof Blob) {
    const bytes = new Uint8Array(yield* until(body.arrayBuffer()));
    return { body: bytes, type: body.type === "" ? undefined : body.type };
  }
  return { body };
}

function isStreamedBody(body: object): boolean {
  return (
    body instanceof Readable ||
    typeof (body as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === "function" ||
    typeof (body as Partial<Iterable<unknown>>)[Symbol.iterator] === "function"
  );
}

function describe(value: unknown): string {
  if (typeof value !== "object") return typeof value;
  return value?.constructor?.name ?? "an object";
}
