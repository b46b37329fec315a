import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";
import { type Operation, type Stream, until } from "@skein/core";
import { fromReadable } from "@skein/core/node";
import { problem } from "./problem.js";
import { streamResponse } from "./stream-response.js";

/**
 * How {@link serveFiles} answers. Defaults: `index.html` for a directory, `Cache-Control:
 * no-cache` (revalidate each time, cheap with the validators), dotfiles hidden.
 *
 * @example
 * ```ts
 * import type { StaticFilesOptions } from "@skein/http";
 *
 * const options: StaticFilesOptions = { maxAgeSeconds: 3600, index: false };
 * ```
 */
export interface StaticFilesOptions {
  /** The file served for a directory, or false for none (404). */
  index?: string | false;
  /** `Cache-Control: max-age=...`; by default `no-cache`. */
  maxAgeSeconds?: number;
  /** Serve names starting with `.` (by default they get 404). */
  dotfiles?: boolean;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
  ".pdf": "application/pdf",
  ".woff2": "font/woff2",
  ".xml": "application/xml",
  ".map": "application/json",
};

/**
 * A route handler serving the files under `root`, for a pattern ending in `*` (the rest of the
 * path names the file). No request reaches outside `root`: `..` and `.` segments, encoded
 * slashes, backslashes and NUL get 404, as do symbolic links leading out of it. Responses carry
 * `ETag` and `Last-Modified`, answer `If-None-Match` / `If-Modified-Since` with 304, and a
 * single `Range: bytes=...` with 206 (or 416 when it lies past the end). The file is streamed,
 * read only as fast as the client takes it, and closed when the request ends however it ends.
 *
 * @example
 * ```ts
 * import { createRouter, serveFiles } from "@skein/http";
 *
 * const router = createRouter().get("/assets/*", serveFiles("./public", { maxAgeSeconds: 600 }));
 * ```
 *
 * @param root - the directory to serve
 * @param options - see {@link StaticFilesOptions}
 * @returns a route handler for `router.get("/prefix/*", ...)`
 */
export function serveFiles(
  root: string,
  options: StaticFilesOptions = {},
): (request: Request, params: { "*": string }) => Operation<Response> {
  const base = resolve(root);
  const index = options.index ?? "index.html";
  const cacheControl =
    options.maxAgeSeconds === undefined ? "no-cache" : `public, max-age=${options.maxAgeSeconds}`;
  return function* serveFile(request, params) {
    const notFound = () => problem(404, "not-found", "no such file");
    const segments = params["*"].split("/").filter((segment) => segment !== "");
    for (const segment of segments) {
      if (segment === "." || segment === ".." || segment.includes("\\") || segment.includes("\0"))
        return notFound();
      if (segment.startsWith(".") && !options.dotfiles) return notFound();
    }
    const found = yield* until(locate(base, segments, index));
    if (found === undefined) return notFound();
    const { path, size, mtime } = found;
    const etag = `"${size.toString(16)}-${Math.floor(mtime.getTime()).toString(16)}"`;
    const lastModified = mtime.toUTCString();
    const headers: Record<string, string> = {
      "content-type": TYPES[extname(path).toLowerCase()] ?? "application/octet-stream",
      etag,
      "last-modified": lastModified,
      "cache-control": cacheControl,
      "accept-ranges": "bytes",
    };
    if (fresh(request, etag, mtime)) return new Response(null, { status: 304, headers });
    const range = request.headers.get("range");
    let start = 0;
    let end = size - 1;
    let status = 200;
    if (range !== null && size > 0 && !ifRangeFails(request, etag, lastModified)) {
      const parsed = parseRange(range, size);
      if (parsed === "unsatisfiable") {
        return new Response(null, {
          status: 416,
          headers: { "content-range": `bytes */${size}` },
        });
      }
      if (parsed !== undefined) {
        [start, end] = parsed;
        status = 206;
        headers["content-range"] = `bytes ${start}-${end}/${size}`;
      }
    }
    headers["content-length"] = String(Math.max(0, end - start + 1));
    if (request.method === "HEAD" || size === 0) return new Response(null, { status, headers });
    return streamResponse(fileStream(path, start, end), { status, headers });
  };
}

interface Found {
  path: string;
  size: number;
  mtime: Date;
}

/** The regular file `segments` name under `base` (or its index), if it exists inside `base`. */
async function locate(
  base: string,
  segments: string[],
  index: string | false,
): Promise<Found | undefined> {
  let path = resolve(base, ...segments);
  // Segments were checked already; this is the last line of defence.
  if (path !== base && !path.startsWith(base + sep)) return undefined;
  try {
    let stats = await stat(path);
    if (stats.isDirectory()) {
      if (index === false) return undefined;
      path = resolve(path, index);
      stats = await stat(path);
    }
    if (!stats.isFile()) return undefined;
    // A symbolic link may point out of the root: check where the file really is.
    const [real, realBase] = await Promise.all([realpath(path), realpath(base)]);
    if (!real.startsWith(realBase + sep)) return undefined;
    return { path: real, size: stats.size, mtime: stats.mtime };
  } catch {
    return undefined;
  }
}

function fresh(request: Request, etag: string, mtime: Date): boolean {
  const match = request.headers.get("if-none-match");
  if (match !== null) {
    return match
      .split(",")
      .map((tag) => tag.trim().replace(/^W\//, ""))
      .some((tag) => tag === "*" || tag === etag);
  }
  const since = request.headers.get("if-modified-since");
  if (since === null) return false;
  const date = Date.parse(since);
  return !Number.isNaN(date) && Math.floor(mtime.getTime() / 1000) <= Math.floor(date / 1000);
}

function ifRangeFails(request: Request, etag: string, lastModified: string): boolean {
  const condition = request.headers.get("if-range");
  return condition !== null && condition !== etag && condition !== lastModified;
}

/** One `bytes=` range as inclusive offsets; undefined for a header to ignore (several ranges). */
function parseRange(header: string, size: number): [number, number] | "unsatisfiable" | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return undefined;
  const [, from = "", to = ""] = match;
  if (from === "" && to === "") return undefined;
  if (from === "") {
    const suffix = Number(to);
    if (suffix === 0) return "unsatisfiable";
    return [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(from);
  const end = to === "" ? size - 1 : Math.min(Number(to), size - 1);
  if (start >= size || end < start) return "unsatisfiable";
  return [start, end];
}

/** The bytes `start..end` of `path`, opened only when someone subscribes. */
function fileStream(path: string, start: number, end: number): Stream<Uint8Array, void> {
  return {
    *[Symbol.iterator]() {
      return yield* fromReadable<Uint8Array>(createReadStream(path, { start, end }));
    },
  };
}
