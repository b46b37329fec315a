import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { type Operation, until } from "@skein/core";
import type { Middleware } from "./middleware.js";
import { wholeBodyOf } from "./send-response.js";
import { InvalidServerOptionError } from "./server-errors.js";

const gzipped = promisify(gzip);
const brotlied = promisify(brotliCompress);

/**
 * What {@link compression} compresses. Defaults: bodies of at least 1024 bytes, with brotli or
 * gzip (the client's preference by `Accept-Encoding` q-values, brotli on a tie), content types
 * that compress (`text/*`, JSON, JavaScript, XML, SVG), at most 8 MiB of body held in memory.
 *
 * @example
 * ```ts
 * import type { CompressionOptions } from "@skein/http";
 *
 * const options: CompressionOptions = { thresholdBytes: 256, encodings: ["gzip"] };
 * ```
 */
export interface CompressionOptions {
  thresholdBytes?: number;
  encodings?: readonly ("br" | "gzip")[];
  /** Larger bodies (by `content-length`) go out as they are. */
  maxBytes?: number;
  compressible?: (contentType: string) => boolean;
}

const COMPRESSIBLE =
  /^(?:text\/|application\/(?:[\w.+-]*\+)?(?:json|xml|javascript)|image\/svg\+xml)/i;

/**
 * Compression as middleware: the handler's response body, when it is whole (a string or bytes,
 * not a stream), large enough and of a compressible type, is sent gzip- or brotli-encoded as
 * the request's `Accept-Encoding` prefers, with `Content-Encoding` and `Vary: Accept-Encoding`.
 * Compression runs on libuv's thread pool, not the event loop. Streamed bodies (of unknown
 * length: they are never buffered), bodies already encoded or with a `Content-Range`, and
 * responses to HEAD go out untouched.
 *
 * @example
 * ```ts
 * import { compression, createRouter } from "@skein/http";
 *
 * const router = createRouter()
 *   .use(compression())
 *   .get("/report", function* () { return new Response("a long text ".repeat(1000)); });
 * ```
 *
 * @param options - see {@link CompressionOptions}
 * @returns the middleware
 */
export function compression(options: CompressionOptions = {}): Middleware {
  const threshold = options.thresholdBytes ?? 1024;
  const maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  const encodings = options.encodings ?? ["br", "gzip"];
  for (const encoding of encodings) {
    if (encoding !== "br" && encoding !== "gzip") {
      throw new InvalidServerOptionError("encodings", encoding, '"br" or "gzip"');
    }
  }
  const compressible = options.compressible ?? ((type: string) => COMPRESSIBLE.test(type));
  return function* compressionMiddleware(request, next) {
    const response = yield* next();
    const accepted = request.headers.get("accept-encoding");
    if (accepted === null || request.method === "HEAD") return response;
    const whole = wholeBodyOf(response);
    if (whole === undefined) return response;
    const headers = response.headers;
    if (headers.has("content-encoding") || headers.has("content-range")) return response;
    if (!compressible(headers.get("content-type") ?? "")) return response;
    const body = typeof whole === "string" ? Buffer.from(whole) : whole;
    if (body.byteLength < threshold || body.byteLength > maxBytes) return response;
    const encoding = negotiate(accepted, encodings);
    if (encoding === undefined) return response;
    const encoded = yield* compress(body, encoding);
    const out = new Headers(headers);
    out.set("content-encoding", encoding);
    out.delete("content-length");
    out.append("vary", "accept-encoding");
    const etag = out.get("etag");
    // The encoded bytes differ from the plain ones: a strong validator would lie.
    if (etag?.startsWith('"')) out.set("etag", `W/${etag}`);
    return new Response(encoded as Uint8Array<ArrayBuffer>, {
      status: response.status,
      statusText: response.statusText,
      headers: out,
    });
  };
}

function compress(body: Uint8Array, encoding: "br" | "gzip"): Operation<Uint8Array> {
  return until(
    encoding === "gzip"
      ? gzipped(body)
      : brotlied(body, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: 4,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
          },
        }),
  );
}

/** The encoding of `offered` that `Accept-Encoding` rates highest (ties: the order offered). */
function negotiate(
  accepted: string,
  offered: readonly ("br" | "gzip")[],
): "br" | "gzip" | undefined {
  const weights = new Map<string, number>();
  for (const part of accepted.split(",")) {
    const [name = "", ...parameters] = part.trim().toLowerCase().split(";");
    let q = 1;
    for (const parameter of parameters) {
      const [key, value] = parameter.trim().split("=");
      if (key === "q") q = Number(value);
    }
    if (name !== "" && Number.isFinite(q)) weights.set(name, q);
  }
  let best: "br" | "gzip" | undefined;
  let bestWeight = 0;
  for (const encoding of offered) {
    const weight = weights.get(encoding) ?? weights.get("*") ?? 0;
    if (weight > bestWeight) {
      best = encoding;
      bestWeight = weight;
    }
  }
  return best;
}
