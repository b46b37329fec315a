import type { Stream } from "@skein/core";

/**
 * Internal marker: a response whose body is a Skein stream, written chunk by chunk by the
 * request's own task (so the producer is halted with it).
 */
export class StreamResponse extends Response {
  constructor(
    readonly source: Stream<Uint8Array | string, unknown>,
    init?: ResponseInit,
    /** Written after this long without a chunk, to keep proxies and idle timeouts away. */
    readonly heartbeat?: { ms: number; chunk: string },
  ) {
    super(null, init);
  }
}

/**
 * A response whose body is a Skein `Stream`, sent with chunked encoding as the stream yields.
 * The stream is read by the request's task: a slow client slows it down, and a client that
 * leaves halts it.
 *
 * @example
 * ```ts
 * import { createChannel, spawn } from "@skein/core";
 * import { streamResponse } from "@skein/http";
 *
 * function* handler() {
 *   const lines = createChannel<string, void>();
 *   yield* spawn(function* () {
 *     for (let i = 0; i < 3; i++) yield* lines.send(`line ${i}\n`);
 *     yield* lines.close();
 *   });
 *   return streamResponse(lines, { headers: { "content-type": "text/plain" } });
 * }
 * ```
 *
 * @param source - the chunks of the body; strings are sent as UTF-8
 * @param init - status and headers
 * @returns a `Response` for `useHttpServer` to send
 */
export function streamResponse(
  source: Stream<Uint8Array | string, unknown>,
  init?: ResponseInit,
): Response {
  return new StreamResponse(source, init);
}

/**
 * One Server-Sent Event. `data` that is not a string is sent as JSON.
 *
 * @example
 * ```ts
 * import type { ServerSentEvent } from "@skein/http";
 *
 * const event: ServerSentEvent = { event: "tick", id: "1", data: { n: 1 } };
 * ```
 */
export interface ServerSentEvent {
  data: unknown;
  event?: string;
  id?: string;
  /** Reconnection delay the client should use, in milliseconds. */
  retry?: number;
}

/**
 * Options of {@link sse}. `heartbeatMs` (15000): a comment line (`:`) is sent at the end of
 * each such period in which no event went out (so silence lasts less than twice that), so that proxies and the server's own `idleTimeoutMs` keep the
 * connection open; 0 turns it off.
 *
 * @example
 * ```ts
 * import type { SseOptions } from "@skein/http";
 *
 * const options: SseOptions = { heartbeatMs: 5000 };
 * ```
 */
export interface SseOptions {
  heartbeatMs?: number;
}

/**
 * The `Last-Event-ID` a reconnecting `EventSource` sends: the `id` of the last event it got,
 * from which the handler can resume. Undefined on a first connection.
 *
 * @example
 * ```ts
 * import { createRouter, lastEventId, sse } from "@skein/http";
 * import { createChannel } from "@skein/core";
 *
 * const router = createRouter().get("/feed", function* (request) {
 *   const from = Number(lastEventId(request) ?? -1) + 1;
 *   const events = createChannel<{ id: string; data: number }, void>();
 *   console.log(`resuming at ${from}`);
 *   return sse(events);
 * });
 * ```
 *
 * @param request - the request of the event stream
 * @returns the id, or undefined
 */
export function lastEventId(request: Request): string | undefined {
  return request.headers.get("last-event-id") ?? undefined;
}

/**
 * A `text/event-stream` response from a Skein stream of events. The stream is read by the
 * request's task, so when the client goes away its producer is halted. A comment line goes out
 * after `heartbeatMs` without an event.
 *
 * @example
 * ```ts
 * import { createChannel, each, interval, spawn } from "@skein/core";
 * import { createRouter, sse } from "@skein/http";
 *
 * const router = createRouter().get("/ticks", function* () {
 *   const events = createChannel<{ data: number }, void>();
 *   yield* spawn(function* () {
 *     let n = 0;
 *     for (const _ of yield* each(interval(1000))) {
 *       yield* events.send({ data: n++ });
 *       yield* each.next();
 *     }
 *   });
 *   return sse(events);
 * });
 * ```
 *
 * @param events - the events to send
 * @param init - status and extra headers
 * @param options - see {@link SseOptions}
 * @returns a `Response` for `useHttpServer` to send
 */
export function sse(
  events: Stream<ServerSentEvent, unknown>,
  init: ResponseInit = {},
  options: SseOptions = {},
): Response {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const headers = new Headers(init.headers);
  headers.set("content-type", "text/event-stream; charset=utf-8");
  headers.set("cache-control", "no-cache");
  const source: Stream<string, unknown> = {
    *[Symbol.iterator]() {
      const subscription = yield* events;
      return {
        *next() {
          const next = yield* subscription.next();
          return next.done ? next : { done: false, value: formatEvent(next.value) };
        },
      };
    },
  };
  const heartbeat = heartbeatMs > 0 ? { ms: heartbeatMs, chunk: ":\n\n" } : undefined;
  return new StreamResponse(source, { ...init, headers }, heartbeat);
}

/** Internal. The wire form of one event. */
export function formatEvent(event: ServerSentEvent): string {
  let text = "";
  if (event.event !== undefined) text += `event: ${oneLine(event.event)}\n`;
  if (event.id !== undefined) text += `id: ${oneLine(event.id)}\n`;
  if (event.retry !== undefined) text += `retry: ${Math.floor(event.retry)}\n`;
  const data = typeof event.data === "string" ? event.data : JSON.stringify(event.data);
  for (const line of data.split(/\r\n|\r|\n/)) text += `data: ${line}\n`;
  return `${text}\n`;
}

function oneLine(value: string): string {
  return value.replace(/[\r\n]/g, " ");
}
