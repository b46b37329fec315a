import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { action, type Operation, sleep, spawn, until } from "@skein/core";
import { FixedResponse } from "./fixed-response.js";
import { StreamResponse } from "./stream-response.js";

/**
 * Internal. Send `reply` now if its body needs no waiting: none, or a string or bytes (one
 * write with a `content-length`). Most responses are sent like this, without an operation.
 *
 * @returns false, having sent nothing, when the body must be streamed by {@link sendStreamed}
 */
export function sendAtOnce(reply: Response, response: ServerResponse): boolean {
  if (reply instanceof FixedResponse) {
    const fixed = FixedResponse.sourceOf(reply);
    if (fixed !== undefined) {
      sendWhole(reply, FixedResponse.plainHeadersOf(reply) ?? headersOf(reply), fixed, response);
      return true;
    }
  }
  if (reply instanceof StreamResponse) return false;
  const body = reply.body;
  if (body === null) {
    response.writeHead(reply.status, reply.statusText || undefined, headersOf(reply));
    response.end();
    return true;
  }
  const source = sourceOf(reply, body);
  if (source === undefined) return false;
  sendWhole(reply, headersOf(reply), source, response);
  return true;
}

/**
 * Internal. The string or bytes `reply`'s body was made from, if nobody has read it yet; for a
 * streamed body (or one already read), undefined.
 */
export function wholeBodyOf(reply: Response): string | Uint8Array | undefined {
  if (reply instanceof FixedResponse) {
    const fixed = FixedResponse.sourceOf(reply);
    if (fixed !== undefined) return fixed;
  }
  if (reply instanceof StreamResponse) return undefined;
  const body = reply.body;
  return body === null ? undefined : sourceOf(reply, body);
}

/** Send `reply`'s status, `headers` and the whole `body` in one write, with its length. */
function sendWhole(
  reply: Response,
  headers: OutgoingHttpHeaders,
  body: string | Uint8Array,
  response: ServerResponse,
): void {
  headers["content-length"] ??=
    typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
  response.writeHead(reply.status, reply.statusText || undefined, headers);
  response.end(body);
}

/** Internal. Send `reply`, whose body {@link sendAtOnce} could not, with chunked encoding. */
export function* sendStreamed(reply: Response, response: ServerResponse): Operation<void> {
  const headers = headersOf(reply);
  const statusText = reply.statusText || undefined;
  if (reply instanceof StreamResponse) {
    response.writeHead(reply.status, statusText, headers);
    response.flushHeaders();
    const subscription = yield* reply.source;
    let wrote = true;
    const heartbeat = reply.heartbeat;
    const beating =
      heartbeat === undefined
        ? undefined
        : yield* spawn(
            function* () {
              for (;;) {
                yield* sleep(heartbeat.ms);
                if (!wrote && response.writableLength === 0) response.write(heartbeat.chunk);
                wrote = false;
              }
            },
            { name: "stream heartbeat" },
          );
    for (let next = yield* subscription.next(); !next.done; next = yield* subscription.next()) {
      wrote = true;
      if (!response.write(next.value)) yield* drained(response);
    }
    if (beating !== undefined) yield* beating.halt();
    response.end();
    return;
  }
  response.writeHead(reply.status, statusText, headers);
  const reader = reply.body!.getReader();
  let done = false;
  try {
    for (;;) {
      const next = yield* until(reader.read());
      if (next.done) break;
      if (!response.write(next.value)) yield* drained(response);
    }
    done = true;
    response.end();
  } finally {
    if (!done) yield* until(reader.cancel().catch(() => undefined));
  }
}

/**
 * The key under which Node's undici keeps a `Response`'s state (`[Symbol(state)]`), found once;
 * undefined on a runtime that keeps it in private fields, where every body is read as a stream.
 */
const STATE = Object.getOwnPropertySymbols(new Response("")).find(
  (key) => key.description === "state",
);

interface BodyState {
  body?: { stream?: unknown; source?: unknown } | null;
}

/**
 * The key under which Node's web streams keep a stream's state (`[Symbol(kState)]`, with
 * `disturbed` and `reader`), found once; reading it directly is cheaper than `bodyUsed` and
 * `locked`, which go through generic helpers. Undefined where streams keep it elsewhere.
 */
const STREAM_STATE = Object.getOwnPropertySymbols(new ReadableStream()).find(
  (key) => key.description === "kState",
);

interface StreamState {
  disturbed?: unknown;
  reader?: unknown;
}

/**
 * The string or bytes an untouched body was made from, when the `Response` keeps them where
 * Node's undici does (`[Symbol(state)].body.source`); reading them skips a stream reader, which
 * costs more than the rest of sending a small response. Undefined for anything else.
 */
function sourceOf(reply: Response, body: ReadableStream): string | Uint8Array | undefined {
  if (STATE === undefined) return undefined;
  const state = (reply as unknown as Record<symbol, BodyState | undefined>)[STATE]?.body;
  if (state?.stream !== body) return undefined;
  const source = state.source;
  if (typeof source !== "string" && !(source instanceof Uint8Array)) return undefined;
  const stream =
    STREAM_STATE === undefined
      ? undefined
      : (body as unknown as Record<symbol, StreamState | undefined>)[STREAM_STATE];
  if (stream !== undefined && typeof stream.disturbed === "boolean") {
    return stream.disturbed || stream.reader !== undefined ? undefined : source;
  }
  return reply.bodyUsed || body.locked ? undefined : source;
}

function headersOf(reply: Response): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  let cookies = false;
  reply.headers.forEach((value, name) => {
    if (name === "set-cookie") cookies = true;
    else headers[name] = value;
  });
  if (cookies) headers["set-cookie"] = reply.headers.getSetCookie();
  return headers;
}

function drained(response: ServerResponse): Operation<void> {
  return action<void>((resolve) => {
    response.once("drain", resolve);
    response.once("close", resolve);
    return () => {
      response.off("drain", resolve);
      response.off("close", resolve);
    };
  });
}
