import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
  STATUS_CODES,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { TlsOptions } from "node:tls";
import {
  action,
  all,
  label,
  type Operation,
  race,
  resource,
  type Scope,
  sleep,
  type Task,
  until,
  useScope,
  withResolvers,
} from "@skein/core";
import { toRequest } from "./incoming-request.js";
import { useLightweightResponse } from "./lightweight-response.js";
import { type Middleware, withMiddleware } from "./middleware.js";
import { problem } from "./problem.js";
import { PayloadTooLargeError, RequestError } from "./request-errors.js";
import type { Handler } from "./router.js";
import { sendAtOnce, sendStreamed } from "./send-response.js";
import { HandlerResultError, InvalidServerOptionError } from "./server-errors.js";
import { type ServerLimits, settleLimits } from "./server-limits.js";
import { WebSocketResponse } from "./websocket-route.js";

/**
 * Where a server reports handler failures. Each failure is reported once; the client only
 * gets a 500 with no details.
 *
 * @example
 * ```ts
 * import type { ServerLogger } from "@skein/http";
 *
 * const logger: ServerLogger = { error: (message, error) => console.error(message, error) };
 * ```
 */
export interface ServerLogger {
  error(message: string, error: unknown): void;
}

/**
 * How a server listens. Defaults: port 0 (any free port), host 127.0.0.1, 5 s of grace at
 * shutdown, errors logged with `console.error`, and the limits of {@link ServerLimits}.
 *
 * @example
 * ```ts
 * import type { HttpServerOptions } from "@skein/http";
 *
 * const options: HttpServerOptions = {
 *   port: 8080,
 *   handler: function* () { return new Response("ok"); },
 *   shutdownGraceMs: 1000,
 * };
 * ```
 */
export interface HttpServerOptions extends ServerLimits {
  handler: Handler;
  /**
   * Make the global `Response` a lightweight stand-in while the server runs (see
   * {@link useLightweightResponse}), so that handlers returning `new Response(text or bytes)`
   * run as fast as with `fixedResponse`. Off by default: the cost it saves is paid in the
   * handler's own `new Response(...)`, which only replacing the global (process-wide, for every
   * module) can avoid; the server already sends a real `Response`'s bytes without its stream.
   */
  lightweightResponse?: boolean;
  /** Run around `handler` for every request, outermost first (see {@link Middleware}). */
  middleware?: Middleware[];
  port?: number;
  host?: string;
  /** At shutdown, how long requests in flight may take before they are halted. */
  shutdownGraceMs?: number;
  logger?: ServerLogger;
  /**
   * Serve HTTPS (node:https) with these options of `tls.createServer`: at least `key` and
   * `cert` (PEM), or `pfx`. The server's `url` then starts with `https://`.
   */
  tls?: TlsOptions;
}

/**
 * A listening server.
 *
 * @example
 * ```ts
 * import { run } from "@skein/core";
 * import { type HttpServer, useHttpServer } from "@skein/http";
 *
 * await run(function* () {
 *   const server: HttpServer = yield* useHttpServer({ handler: function* () { return new Response("hi"); } });
 *   console.log(server.url, server.port);
 * });
 * ```
 */
export interface HttpServer {
  /** `http://host:port` (`https://` with `tls`), without a trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /**
   * The node:http (or node:https) server underneath, for what this API does not cover
   * (`getConnections()`, an `upgrade` listener of your own, ...). Closing it or changing its
   * limits is the scope's job: leave those alone.
   */
  readonly nodeServer: Server;
}

interface ServerState {
  handler: Handler;
  /** The URL origin requests are relative to, as `URL` serializes it. */
  origin: string;
  maxBodyBytes: number;
  logger: ServerLogger;
  inFlight: number;
  closing: boolean;
  /** The tasks of upgrade requests (WebSocket sessions), by socket, halted at shutdown. */
  upgrades: Map<Duplex, Task<void>>;
  drained: (() => void) | undefined;
}

/**
 * Start a node:http server that lives as long as the current scope and runs each request as a
 * task of its own. A client that disconnects halts its request's task. When the scope ends the
 * server stops accepting, lets requests in flight finish for `shutdownGraceMs`, halts the rest
 * and closes every connection. Errors become responses (a `RequestError` its status, anything
 * else 500); the server never crashes on one.
 *
 * @example
 * ```ts
 * import { run, suspend } from "@skein/core";
 * import { createRouter, readJson, useHttpServer } from "@skein/http";
 *
 * const router = createRouter().post("/echo", function* (request) {
 *   return Response.json(yield* readJson(request));
 * });
 * await run(function* () {
 *   const server = yield* useHttpServer({ port: 8080, handler: router.handle });
 *   console.log(`listening on ${server.url}`);
 *   yield* suspend();
 * });
 * ```
 *
 * @param options - see {@link HttpServerOptions}
 * @returns an operation yielding the {@link HttpServer} once it listens
 */
export function useHttpServer(options: HttpServerOptions): Operation<HttpServer> {
  return resource<HttpServer>(function* (provide) {
    checkServerOptions(options);
    const host = options.host ?? "127.0.0.1";
    const grace = options.shutdownGraceMs ?? 5000;
    const limits = settleLimits(options);
    yield* label("http server");
    if (options.lightweightResponse === true) yield* useLightweightResponse();
    const scope = yield* useScope();
    const state: ServerState = {
      handler: withMiddleware(options.handler, ...(options.middleware ?? [])),
      origin: "",
      maxBodyBytes: limits.maxBodyBytes,
      logger: options.logger ?? { error: (message, error) => console.error(message, error) },
      inFlight: 0,
      closing: false,
      upgrades: new Map(),
      drained: undefined,
    };
    const listener = (request: IncomingMessage, response: ServerResponse) =>
      accept(scope, state, request, response);
    const nodeOptions: ServerOptions = {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      maxHeaderSize: limits.maxHeaderBytes,
      // How often node:http looks for requests past their timeouts (30 s by default, which
      // would let slow headers stay three times longer than `headersTimeoutMs`).
      connectionsCheckingInterval: limits.checkIntervalMs,
    };
    const server: Server =
      options.tls === undefined
        ? createServer(nodeOptions, listener)
        : createHttpsServer({ ...options.tls, ...nodeOptions }, listener);
    server.timeout = limits.idleTimeoutMs;
    server.maxConnections = limits.maxConnections;
    server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      acceptUpgrade(scope, state, request, socket, head),
    );
    yield* action<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, host, () => resolve());
      return () => server.off("error", reject);
    });
    const port = (server.address() as AddressInfo).port;
    const scheme = options.tls === undefined ? "http" : "https";
    const url = `${scheme}://${host.includes(":") ? `[${host}]` : host}:${port}`;
    state.origin = new URL(url).origin;
    try {
      yield* provide({ url, port, host, nodeServer: server });
    } finally {
      state.closing = true;
      const closed = withResolvers<void>();
      server.close(() => closed.resolve());
      // WebSocket sessions close (1001) first, before node:http cuts what it takes for idle
      // sockets; it waits for theirs to close too.
      yield* all([...state.upgrades.values()].map((task) => task.halt()));
      server.closeIdleConnections();
      if (state.inFlight > 0) {
        const drained = withResolvers<void>();
        state.drained = drained.resolve;
        yield* race([drained.operation, sleep(grace)]);
      }
      // Requests still running are halted when this body returns; their sockets go now.
      server.closeAllConnections();
      yield* closed.operation;
    }
  });
}

function accept(
  scope: Scope,
  state: ServerState,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  if (state.closing) response.shouldKeepAlive = false;
  state.inFlight++;
  let task: Task<void> | undefined;
  try {
    task = scope.run(() => serve(state, request, response));
  } catch {
    // The scope has ended: the server is going away with it.
    state.inFlight--;
    response.destroy();
    return;
  }
  // A handler that answered at once has nothing left to halt when the client leaves.
  if (response.writableEnded) return;
  (response as ServedResponse)[TASK] = task;
  response.on("close", onClose);
}

/**
 * An upgrade request (`Connection: upgrade`): it goes through the handler as any request does;
 * a WebSocket route's answer takes the socket over, any other answer is written to the socket,
 * which is then closed. A socket that closes first halts the task.
 */
function acceptUpgrade(
  scope: Scope,
  state: ServerState,
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  socket.on("error", () => {});
  let task: Task<void>;
  try {
    task = scope.run(() => serveUpgrade(state, request, socket, head));
  } catch {
    socket.destroy();
    return;
  }
  state.upgrades.set(socket, task);
  socket.once("close", () => {
    state.upgrades.delete(socket);
    // Once upgraded, the WebSocket connection reports the close to its session itself.
    if (!(socket as UpgradeSocket)[UPGRADED]) task.halt();
  });
}

const UPGRADED = Symbol("upgraded");

/** A socket of an upgrade request, marked once a WebSocket has taken it over. */
interface UpgradeSocket extends Duplex {
  [UPGRADED]?: boolean;
}

function* serveUpgrade(
  state: ServerState,
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Operation<void> {
  yield* label(`serve upgrade ${request.url}`);
  try {
    let reply: Response;
    let incoming: Request | undefined;
    try {
      const refusal = refused(state, request);
      incoming =
        refusal === undefined
          ? toRequest(state.origin, request, socket as unknown as ServerResponse, 0)
          : undefined;
      if (refusal !== undefined) reply = refusal;
      else if (incoming === undefined) reply = badTarget(request);
      else {
        reply = yield* state.handler(incoming);
        if (!(reply instanceof Response)) {
          throw new HandlerResultError(`${request.method} ${request.url}`, reply);
        }
      }
    } catch (error) {
      reply = failed(state, request, error);
    }
    if (reply instanceof WebSocketResponse && incoming !== undefined && !state.closing) {
      yield* reply.accept(
        request,
        socket,
        head,
        incoming,
        () => (state.closing ? 1001 : 1000),
        () => {
          (socket as UpgradeSocket)[UPGRADED] = true;
        },
      );
    } else {
      yield* writeRaw(reply, socket);
    }
  } finally {
    socket.destroy();
  }
}

/** Write `reply` (a whole body, or none) to a socket that node:http has let go of, and end it. */
function* writeRaw(reply: Response, socket: Duplex): Operation<void> {
  const body =
    reply.body === null ? new Uint8Array(0) : new Uint8Array(yield* until(reply.arrayBuffer()));
  let head = `HTTP/1.1 ${reply.status} ${reply.statusText || STATUS_CODES[reply.status] || ""}\r\n`;
  for (const [name, value] of reply.headers) {
    if (name !== "connection" && name !== "content-length") head += `${name}: ${value}\r\n`;
  }
  head += `content-length: ${body.byteLength}\r\nconnection: close\r\n\r\n`;
  socket.end(Buffer.concat([Buffer.from(head, "latin1"), body]));
  yield* action<void>((resolve) => {
    socket.once("finish", resolve);
    socket.once("close", resolve);
    return () => {
      socket.off("finish", resolve);
      socket.off("close", resolve);
    };
  });
}

const TASK = Symbol("task");

/** A response with the task answering it, for {@link onClose}. */
interface ServedResponse extends ServerResponse {
  [TASK]?: Task<void>;
}

/** One listener for every response (no closure per request): a client that left halts its task. */
function onClose(this: ServedResponse): void {
  const task = this[TASK];
  this[TASK] = undefined;
  if (!this.writableFinished) task?.halt();
}

function* serve(state: ServerState, request: IncomingMessage, response: ServerResponse) {
  yield* label(`serve ${request.method} ${request.url}`);
  try {
    let reply: Response;
    try {
      const refusal = refused(state, request);
      if (refusal !== undefined) reply = refusal;
      else {
        const incoming = toRequest(state.origin, request, response, state.maxBodyBytes);
        if (incoming === undefined) reply = badTarget(request);
        else {
          reply = yield* state.handler(incoming);
          if (!(reply instanceof Response)) {
            throw new HandlerResultError(`${request.method} ${request.url}`, reply);
          }
        }
      }
    } catch (error) {
      reply = failed(state, request, error);
    }
    if (!sendAtOnce(reply, response)) yield* sendStreamed(reply, response);
  } catch (error) {
    if (!response.headersSent) {
      state.logger.error(`${request.method} ${request.url} failed`, error);
      response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: { code: "internal", message: "internal error" } }));
    } else {
      state.logger.error(`${request.method} ${request.url} failed while sending`, error);
      response.destroy();
    }
  } finally {
    state.inFlight--;
    if (state.inFlight === 0) state.drained?.();
  }
}

/** The methods `OPTIONS *` lists, and which a `Request` can carry. */
const SERVER_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

/**
 * The answer to a request no handler can see: one a web `Request` cannot hold (`TRACE`,
 * `TRACK`: the fetch standard forbids them), `OPTIONS *` (about the server, not a resource),
 * or a body announced larger than the server takes.
 */
function refused(state: ServerState, request: IncomingMessage): Response | undefined {
  const method = request.method;
  // GET and HEAD bodies are never read, and node:http builds `headers` only when asked.
  if (method === "GET" || method === "HEAD") return undefined;
  if (method === "TRACE" || method === "TRACK") {
    return problem(501, "method-not-implemented", `this server does not implement ${method}`);
  }
  if (method === "OPTIONS" && request.url === "*") {
    return new Response(null, { status: 204, headers: { allow: SERVER_METHODS } });
  }
  if (!(Number(request.headers["content-length"]) > state.maxBodyBytes)) return undefined;
  request.resume();
  return problem(
    413,
    "payload-too-large",
    `the request body is larger than ${state.maxBodyBytes} bytes`,
    { connection: "close" },
  );
}

/** A 400 for a request target that is neither a path nor an absolute http(s) URL. */
function badTarget(request: IncomingMessage): Response {
  request.resume();
  return problem(400, "bad-request-target", "the request target is not a path or an http URL", {
    connection: "close",
  });
}

/** The response for a handler that threw: a `RequestError`'s status, otherwise a logged 500. */
function failed(state: ServerState, request: IncomingMessage, error: unknown): Response {
  if (error instanceof RequestError) {
    const headers: Record<string, string> =
      error instanceof PayloadTooLargeError ? { connection: "close" } : {};
    return problem(error.status, error.code, error.message, headers);
  }
  state.logger.error(`${request.method} ${request.url} failed`, error);
  return problem(500, "internal", "internal error");
}

/**
 * Refuse options the server cannot run with before it listens: without this, a missing handler
 * or a middleware that is not a function started a server that failed every request, and a bad
 * port or a negative grace surfaced as Node's own errors or not at all.
 */
function checkServerOptions(options: HttpServerOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new InvalidServerOptionError("options", options, "an object with a handler");
  }
  if (typeof options.handler !== "function") {
    throw new InvalidServerOptionError("handler", options.handler, "a generator function");
  }
  const middleware = options.middleware;
  if (middleware !== undefined) {
    if (!Array.isArray(middleware)) {
      throw new InvalidServerOptionError("middleware", middleware, "an array of functions");
    }
    for (const layer of middleware) {
      if (typeof layer !== "function") {
        throw new InvalidServerOptionError("middleware", layer, "an array of functions");
      }
    }
  }
  const port = options.port;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    throw new InvalidServerOptionError("port", port, "an integer from 0 (any free port) to 65535");
  }
  const host = options.host;
  if (host !== undefined && (typeof host !== "string" || host === "")) {
    throw new InvalidServerOptionError("host", host, "a host name or address");
  }
  const grace = options.shutdownGraceMs;
  if (grace !== undefined && (typeof grace !== "number" || Number.isNaN(grace) || grace < 0)) {
    throw new InvalidServerOptionError("shutdownGraceMs", grace, "a number of ms >= 0");
  }
  const logger = options.logger;
  if (logger !== undefined && typeof logger?.error !== "function") {
    throw new InvalidServerOptionError("logger", logger, "an object with an error() method");
  }
}
