import {
  action,
  createQueue,
  label,
  type Operation,
  resource,
  type Stream,
  type Subscription,
  sleep,
  spawn,
  withResolvers,
} from "@skein/core";
import type { RawData, WebSocket } from "ws";
import { WebSocketClosedError } from "./websocket-errors.js";

/**
 * A message received on a WebSocket: a text frame as a string, a binary one as bytes.
 *
 * @example
 * ```ts
 * import type { WebSocketMessage } from "@skein/http";
 *
 * const message: WebSocketMessage = "hello";
 * ```
 */
export type WebSocketMessage = string | Uint8Array;

/**
 * How a WebSocket ended: the close code and reason of the closing handshake, or 1006 when the
 * connection broke without one (the peer vanished, or missed its pongs).
 *
 * @example
 * ```ts
 * import type { WebSocketClose } from "@skein/http";
 *
 * const close: WebSocketClose = { code: 1000, reason: "bye" };
 * ```
 */
export interface WebSocketClose {
  code: number;
  reason: string;
}

/**
 * One WebSocket connection, bound to the scope that opened or accepted it: when that scope
 * ends, the connection is closed (1000, or 1001 when a server shuts down) and, if the peer does
 * not answer the close within `closeTimeoutMs`, cut.
 *
 * @example
 * ```ts
 * import { each } from "@skein/core";
 * import type { WebSocketConnection } from "@skein/http";
 *
 * function* echo(socket: WebSocketConnection) {
 *   for (const message of yield* each(socket.messages)) {
 *     yield* socket.send(message);
 *     yield* each.next();
 *   }
 * }
 * ```
 */
export interface WebSocketConnection {
  /**
   * The messages received, in order; it ends, with how the connection closed, when it closes.
   * One reader at a time. Past `maxQueuedMessages` unread, the socket stops reading (TCP
   * backpressure reaches the peer) until they are taken.
   */
  readonly messages: Stream<WebSocketMessage, WebSocketClose>;
  /**
   * Send a message (a string as a text frame, bytes as binary). Returns once it is queued on
   * the socket, or, when more than `sendBufferBytes` are waiting to go out, once this one has
   * been written: a slow peer slows the sender down. Throws `WebSocketClosedError` on a closed
   * connection.
   */
  send(message: WebSocketMessage): Operation<void>;
  /** Close with `code` (1000) and `reason`, and wait (at most `closeTimeoutMs`) for the peer. */
  close(code?: number, reason?: string): Operation<WebSocketClose>;
  /** The subprotocol agreed on, or "". */
  readonly protocol: string;
  /** The `ws` socket underneath, for what this API does not cover. */
  readonly raw: WebSocket;
}

/**
 * The tuning of a WebSocket connection, server or client side. Defaults: a ping every 30 s and
 * the connection cut if its pong has not come back by the next one; messages up to 1 MiB
 * (larger ones close the connection with 1009); 64 messages read ahead; 1 MiB of sends
 * buffered before `send` waits; 1 s for the peer to answer a close.
 *
 * @example
 * ```ts
 * import type { WebSocketOptions } from "@skein/http";
 *
 * const options: WebSocketOptions = { pingIntervalMs: 10_000, maxMessageBytes: 64 * 1024 };
 * ```
 */
export interface WebSocketOptions {
  /** 0 turns pings off. */
  pingIntervalMs?: number;
  maxMessageBytes?: number;
  maxQueuedMessages?: number;
  sendBufferBytes?: number;
  closeTimeoutMs?: number;
}

/** Internal. The options with their defaults. */
export function settleWebSocketOptions(options: WebSocketOptions): Required<WebSocketOptions> {
  return {
    pingIntervalMs: options.pingIntervalMs ?? 30_000,
    maxMessageBytes: options.maxMessageBytes ?? 1024 * 1024,
    maxQueuedMessages: options.maxQueuedMessages ?? 64,
    sendBufferBytes: options.sendBufferBytes ?? 1024 * 1024,
    closeTimeoutMs: options.closeTimeoutMs ?? 1000,
  };
}

const OPEN = 1;

/**
 * Internal. `socket` (open) as a {@link WebSocketConnection} for the current scope; when the
 * scope ends it is closed with `goingAway()`'s code (1000, or 1001) and cut after
 * `closeTimeoutMs`.
 */
export function useWebSocketConnection(
  socket: WebSocket,
  options: Required<WebSocketOptions>,
  goingAway: () => number = () => 1000,
  gone?: () => void,
): Operation<WebSocketConnection> {
  return resource<WebSocketConnection>(function* (provide) {
    yield* label("websocket connection");
    const queue = createQueue<WebSocketMessage, WebSocketClose>();
    let queued = 0;
    let ended: WebSocketClose | undefined;
    const closed = withResolvers<WebSocketClose>();
    let alive = true;
    const onMessage = (data: RawData, binary: boolean) => {
      queue.add(binary ? toBytes(data) : data.toString());
      if (++queued >= options.maxQueuedMessages && !socket.isPaused) socket.pause();
    };
    let waiting = false;
    let closing = false;
    const onClose = (code: number, reason: Buffer) => {
      ended = { code, reason: reason.toString() };
      queue.close(ended);
      closed.resolve(ended);
      // Nobody is reading to learn of the close, nor closing: tell the owner it is gone.
      if (!waiting && !closing) gone?.();
    };
    const onPong = () => {
      alive = true;
    };
    // Errors (a bad frame, a message too large) are followed by `close`, which reports them.
    const onError = () => {};
    socket.on("message", onMessage);
    socket.on("close", onClose);
    socket.on("pong", onPong);
    socket.on("error", onError);
    let reading = false;
    const taken = (next: IteratorResult<WebSocketMessage, WebSocketClose>) => {
      waiting = false;
      if (!next.done && --queued < options.maxQueuedMessages / 2 && socket.isPaused) {
        socket.resume();
      }
    };
    const abandoned = () => {
      waiting = false;
    };
    const subscription: Subscription<WebSocketMessage, WebSocketClose> = {
      next: () => {
        waiting = true;
        return new Take(queue.next(), taken, abandoned);
      },
    };
    const messages: Stream<WebSocketMessage, WebSocketClose> = {
      *[Symbol.iterator]() {
        if (reading) throw new TypeError("a WebSocket's messages have one reader at a time");
        reading = true;
        return subscription;
      },
    };
    function* close(code = 1000, reason = ""): Operation<WebSocketClose> {
      if (ended !== undefined) return ended;
      closing = true;
      if (socket.readyState === OPEN) socket.close(code, reason);
      const timer = yield* spawn(
        function* () {
          yield* sleep(options.closeTimeoutMs);
          socket.terminate();
        },
        { name: "websocket close timeout" },
      );
      const result = yield* closed.operation;
      yield* timer.halt();
      return result;
    }
    if (options.pingIntervalMs > 0) {
      yield* spawn(
        function* () {
          for (;;) {
            yield* sleep(options.pingIntervalMs);
            if (!alive) {
              // The peer missed a whole interval: it is gone without saying so.
              socket.terminate();
              return;
            }
            alive = false;
            if (socket.readyState === OPEN) socket.ping();
          }
        },
        { name: "websocket ping" },
      );
    }
    try {
      yield* provide({
        messages,
        protocol: socket.protocol,
        raw: socket,
        close,
        send(message) {
          if (socket.readyState !== OPEN) {
            return failWith(new WebSocketClosedError(ended?.code, ended?.reason ?? ""));
          }
          if (socket.bufferedAmount < options.sendBufferBytes) {
            socket.send(message);
            return noWait;
          }
          return action<void>((resolve, reject) => {
            socket.send(message, (error) =>
              error
                ? reject(new WebSocketClosedError(ended?.code, ended?.reason ?? ""))
                : resolve(),
            );
            return () => {};
          });
        },
      });
    } finally {
      yield* close(goingAway());
      socket.off("message", onMessage);
      socket.off("pong", onPong);
      socket.off("close", onClose);
      socket.off("error", onError);
    }
  });
}

/**
 * Internal. `yield* noWait` returns at once: a shared iterator with nothing to yield, so a send
 * that does not wait allocates nothing (a generator here would cost one object per message).
 */
const noWait: Operation<void> = {
  [Symbol.iterator]: () => finished,
};

const finished: Iterator<never, void> = {
  next: () => ({ done: true, value: undefined }),
};

/** What an operation's iterator yields to the engine (the engine's own type is internal). */
type Step =
  ReturnType<Operation<unknown>[typeof Symbol.iterator]> extends Iterator<infer S> ? S : never;

/**
 * Internal. One `messages` read: runs the queue's `next()` and reports its result, or its end
 * without one (halted, or failed), as a generator with a `try`/`finally` would, without building
 * a generator for every message.
 */
class Take<T> implements Operation<T>, Iterator<Step, T, unknown> {
  private declare inner: Iterator<Step, T, unknown>;

  constructor(
    private readonly operation: Operation<T>,
    private readonly onResult: (result: T) => void,
    private readonly onAbandon: () => void,
  ) {}

  [Symbol.iterator](): Iterator<Step, T, unknown> {
    this.inner = this.operation[Symbol.iterator]();
    return this;
  }

  next(value?: unknown): IteratorResult<Step, T> {
    return this.settled(this.inner.next(value));
  }

  throw(error: unknown): IteratorResult<Step, T> {
    try {
      return this.settled(this.inner.throw ? this.inner.throw(error) : throwing(error));
    } catch (thrown) {
      this.onAbandon();
      throw thrown;
    }
  }

  return(value?: unknown): IteratorResult<Step, T> {
    this.onAbandon();
    return this.inner.return ? this.inner.return(value as T) : { done: true, value: value as T };
  }

  private settled(result: IteratorResult<Step, T>): IteratorResult<Step, T> {
    if (result.done) this.onResult(result.value);
    return result;
  }
}

function throwing(error: unknown): never {
  throw error;
}

function failWith(error: Error): Operation<never> {
  return {
    *[Symbol.iterator]() {
      throw error;
    },
  };
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
