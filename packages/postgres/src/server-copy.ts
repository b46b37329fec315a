import type { Readable, Writable } from "node:stream";
import { finished } from "node:stream/promises";
import {
  action,
  label,
  type Operation,
  resource,
  type Stream,
  type Subscription,
  until,
  waitingFor,
} from "@skein/core";
import type { Row } from "./db.js";
import { InvalidArgumentError } from "./errors.js";
import { type Connection, cancel, SETTLE_MS, stop, translate, within } from "./server-query.js";
import type { Lease } from "./slots.js";
import type { CompiledQuery } from "./sql.js";
import { firstLine } from "./wait-description.js";

const noop = (): void => {};

/** `query`'s text, once it is known to be a COPY statement without parameters. */
function copyText(query: CompiledQuery, method: "copyTo" | "copyFrom"): string {
  if (query.params.length > 0) {
    throw new InvalidArgumentError(
      "COPY statements cannot take parameters; build them from sql.id() and literal text",
      query.params,
    );
  }
  // Checked before it runs: any other statement would run, and only then fail here.
  if (!/^copy\b/i.test(withoutLeadingComments(query.text))) {
    throw new InvalidArgumentError(`${method}() runs a COPY statement only`, query.text);
  }
  return query.text;
}

/** The stream postgres.js handed out for a COPY: the direction asked for, or the other one. */
interface Handed<Right, Wrong> {
  right: Right | undefined;
  wrong: Wrong | undefined;
}

/**
 * The stream of the direction `method` needs, kept in `into` as soon as the driver hands it
 * out, even to a task halted before it resumed: a stream nobody reads or ends holds the
 * connection in COPY mode for good. A stream of the other direction goes into `into.wrong` for
 * the cleanup to end, and fails the promise. Errors either stream reports later (the client
 * destroyed) must not become uncaught exceptions; the reader or writer learns of its own.
 */
function handOut<Right extends Readable | Writable, Wrong extends Readable | Writable>(
  handing: Promise<unknown>,
  method: "copyTo" | "copyFrom",
  text: string,
  into: Handed<Right, Wrong>,
): Promise<Right> {
  const [isRight, isWrong] = (
    method === "copyTo" ? [isReadable, isWritable] : [isWritable, isReadable]
  ) as [(stream: unknown) => stream is Right, (stream: unknown) => stream is Wrong];
  const started = handing.then(
    (stream) => {
      if (!isRight(stream)) {
        if (isWrong(stream)) {
          into.wrong = stream;
          stream.on("error", noop);
        }
        throw wrongDirection(method, text);
      }
      into.right = stream;
      stream.on("error", noop);
      return stream;
    },
    (error: unknown) => {
      throw translate(error, text);
    },
  );
  started.catch(noop);
  return started;
}

/** `text` without the whitespace and comments before its first word. */
function withoutLeadingComments(text: string): string {
  let rest = text.trimStart();
  for (;;) {
    if (rest.startsWith("--")) {
      const end = rest.indexOf("\n");
      rest = end === -1 ? "" : rest.slice(end + 1).trimStart();
    } else if (rest.startsWith("/*")) {
      const end = rest.indexOf("*/");
      rest = end === -1 ? "" : rest.slice(end + 2).trimStart();
    } else return rest;
  }
}

/** What a COPY's direction needs, for a statement that turned out to go the other way. */
function wrongDirection(method: "copyTo" | "copyFrom", text: string): InvalidArgumentError {
  return new InvalidArgumentError(
    method === "copyTo"
      ? "copyTo() needs a COPY ... TO STDOUT statement; use copyFrom() for COPY ... FROM STDIN"
      : "copyFrom() needs a COPY ... FROM STDIN statement; use copyTo() for COPY ... TO STDOUT",
    text,
  );
}

function isReadable(stream: unknown): stream is Readable {
  return typeof (stream as Partial<Readable> | null)?.read === "function";
}

function isWritable(stream: unknown): stream is Writable {
  return typeof (stream as Partial<Writable> | null)?.write === "function" && !isReadable(stream);
}

/**
 * How long a COPY may take to end after it was stopped: an aborted COPY FROM first makes the
 * server read what was already sent.
 */
const COPY_SETTLE_MS = 5 * SETTLE_MS;

/**
 * Wait, at most {@link COPY_SETTLE_MS}, until the connection is ready for the next query; past
 * the bound the client is replaced. postgres.js settles a COPY's query as soon as it hands out
 * the stream, so the wait is for a statement queued behind the COPY on the same client. Every
 * exit of a COPY ends here: none hands on a connection still busy with it, none waits forever.
 */
function* settle(connection: Connection): Operation<void> {
  const barrier = connection.sql.unsafe("select 1");
  if (!(yield* until(within(barrier.then(noop, noop), COPY_SETTLE_MS)))) {
    yield* connection.reset();
  }
}

/**
 * Internal. The chunks of a `COPY ... TO STDOUT`, read only as fast as they are consumed.
 * Ending the subscription early cancels the statement; the connection is handed back only once
 * the statement has settled (or the client has been replaced).
 *
 * @param acquire - lends a connection to hold alone
 * @param query - the COPY statement
 * @returns the stream of chunks
 */
export function copyTo(
  acquire: () => Operation<Lease<Connection>>,
  query: CompiledQuery,
): Stream<Uint8Array, void> {
  const text = copyText(query, "copyTo");
  const name = `copy ${firstLine(text)}`;
  const nextChunk = `${name} (next chunk)`;
  return resource<Subscription<Uint8Array, void>>(function* (provide) {
    yield* label(name);
    const { value: connection, release } = yield* acquire();
    const pending = connection.sql.unsafe<Row[]>(text);
    connection.running.add(pending);
    const handed: Handed<Readable, Writable> = { right: undefined, wrong: undefined };
    const started = handOut(pending.readable(), "copyTo", text, handed);
    let done = false;
    try {
      const chunks = (yield* until(started))[Symbol.asyncIterator]();
      yield* provide({
        *next() {
          let next: IteratorResult<unknown>;
          try {
            next = yield* waitingFor(nextChunk, until(chunks.next()));
          } catch (error) {
            done = true;
            throw translate(error, text);
          }
          if (next.done) {
            done = true;
            return { done: true, value: undefined };
          }
          return { done: false, value: next.value as Uint8Array };
        },
      });
    } finally {
      try {
        // A COPY FROM handed out instead is failed (CopyFail).
        if (handed.wrong !== undefined)
          handed.wrong.destroy(new Error("COPY aborted by the client"));
        else if (!done) {
          const readable = handed.right;
          // Not started: never postgres.js's own cancel (see stop()); it may start meanwhile.
          if (readable === undefined) yield* stop(connection, pending);
          if (readable !== undefined) {
            // The patched driver drops the data still on its way once the stream is destroyed.
            readable.destroy();
            yield* until(within(cancel(pending), SETTLE_MS));
          }
        }
        yield* settle(connection);
      } finally {
        connection.running.delete(pending);
        release();
      }
    }
  });
}

/**
 * Until `writable` can take more, or is destroyed (whose error, if any, its `finished()`
 * reports, translated, in one place).
 */
function* drained(writable: Writable): Operation<void> {
  if (writable.destroyed) return;
  yield* action<void>((resolve) => {
    const done = () => resolve();
    writable.once("drain", done);
    writable.once("error", done);
    writable.once("close", done);
    return () => {
      writable.off("drain", done);
      writable.off("error", done);
      writable.off("close", done);
    };
  });
}

/**
 * Internal. Feed a `COPY ... FROM STDIN` from `source`, waiting for the socket to drain
 * whenever it is full. Ending early (error or halt) aborts the COPY, so nothing is written;
 * the connection is handed back only once the statement has settled (or the client has been
 * replaced).
 *
 * @param acquire - lends a connection to hold alone
 * @param query - the COPY statement
 * @param source - the chunks to send
 * @returns an operation that completes when the server has taken all rows
 */
export function copyFrom(
  acquire: () => Operation<Lease<Connection>>,
  query: CompiledQuery,
  source: Stream<Uint8Array | string, unknown>,
): Operation<void> {
  const text = copyText(query, "copyFrom");
  const name = `copy ${firstLine(text)}`;
  return waitingFor(name, {
    *[Symbol.iterator]() {
      const { value: connection, release } = yield* acquire();
      const pending = connection.sql.unsafe<Row[]>(text);
      connection.running.add(pending);
      const handed: Handed<Writable, Readable> = { right: undefined, wrong: undefined };
      const started = handOut(pending.writable(), "copyFrom", text, handed);
      let done = false;
      try {
        const sink = yield* until(started);
        // A row the server cannot read fails the writable, also after its end was sent (the
        // patched driver: unpatched, it waited for ever).
        const ended = finished(sink);
        ended.catch(noop);
        const subscription = yield* source;
        for (;;) {
          const next = yield* subscription.next();
          if (next.done) break;
          // The server's error destroys the writable: writing on would wait for a drain that
          // never comes. The error itself comes through `ended`.
          if (sink.destroyed) break;
          if (!sink.write(next.value)) yield* waitingFor("socket full", drained(sink));
        }
        if (!sink.destroyed) sink.end();
        try {
          yield* until(ended);
        } catch (error) {
          throw translate(error, text);
        }
        done = true;
      } finally {
        try {
          // A COPY TO handed out instead is destroyed and cancelled.
          if (handed.wrong !== undefined) {
            handed.wrong.destroy();
            yield* until(within(cancel(pending), SETTLE_MS));
          } else if (!done) {
            const writable = handed.right;
            // Not started: never postgres.js's own cancel (see stop()); it may start meanwhile.
            if (writable === undefined) yield* stop(connection, pending);
            // CopyFail: the server rolls the statement back and answers with an error.
            if (writable !== undefined && !writable.destroyed) {
              writable.destroy(new Error("COPY aborted by the client"));
            }
          }
          yield* settle(connection);
        } finally {
          connection.running.delete(pending);
          release();
        }
      }
    },
  });
}
